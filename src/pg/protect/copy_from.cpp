#include "pg/citus/citus.h"
#include "pg/protect/copy_from.h"

#include <cstring>

#include "pg/base/catalog.h"
#include "pg/protect/protection.h"
#include "pg/type/input.h"

extern "C" {
#include "access/heapam.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "commands/copy.h"
#include "commands/copyfrom_internal.h"
#include "commands/progress.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "pgstat.h"
#include "parser/parse_relation.h"
#include "rewrite/rowsecurity.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/rls.h"
}

namespace listguard::pg {

namespace {

struct ActiveCopy {
    bool active = false;
    Oid target = InvalidOid;
    List* relids = nullptr; // the target and every table below it
    uint64 checked = 0;
};
ActiveCopy copy_state;

[[noreturn]] void refuse(Relation rel, const char* detail)
{
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("COPY FROM into protected table \"%s\" cannot check its rows as INSERT would",
                           RelationGetRelationName(rel)),
                    errdetail("%s", detail),
                    errhint("Use INSERT, or COPY into a staging table and INSERT ... SELECT from it.")));
    pg_unreachable();
}

// What makes a COPY less strict than INSERT is refused before any row.
void check_copyable(Relation rel, List* relids, CopyStmt* stmt)
{
    if (stmt->whereClause != nullptr)
        refuse(rel, "COPY FROM ... WHERE is not supported into a protected table.");
    if (SessionReplicationRole == SESSION_REPLICATION_ROLE_REPLICA)
        refuse(rel, "session_replication_role is replica: the table's triggers would not run.");
    // Policies of the table's own: COPY would not check them.
    if (rel->rd_rsdesc != nullptr) {
        ListCell* lc;
        foreach (lc, rel->rd_rsdesc->policies) {
            auto* policy = static_cast<RowSecurityPolicy*>(lfirst(lc));
            if (strncmp(policy->policy_name, "listguard_", 10) != 0 &&
                (policy->polcmd == '*' || policy->polcmd == ACL_INSERT_CHR))
                refuse(rel, psprintf("Policy \"%s\" of the table is not listguard's.", policy->policy_name));
        }
    }
    // Every table a row can land in has listguard's stamping trigger, enabled,
    // and no BEFORE ROW INSERT trigger after it (INSERT checks the policies
    // after every such trigger; the stamping trigger checks the row).
    ListCell* lc;
    foreach (lc, relids) {
        Oid relid = lfirst_oid(lc);
        if (get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE)
            continue;
        Relation child = relid == RelationGetRelid(rel) ? rel : table_open(relid, NoLock);
        bool stamped = false;
        const char* stamp_name = name_on_shard("listguard_stamp", relid); // on a Citus shard, with its id
        TriggerDesc* triggers = child->trigdesc;
        for (int i = 0; triggers != nullptr && i < triggers->numtriggers; i++) {
            const Trigger& t = triggers->triggers[i];
            if (t.tgenabled == TRIGGER_DISABLED || !TRIGGER_FOR_ROW(t.tgtype) || !TRIGGER_FOR_BEFORE(t.tgtype) ||
                !TRIGGER_FOR_INSERT(t.tgtype))
                continue;
            if (strcmp(t.tgname, stamp_name) == 0)
                stamped = t.tgenabled == TRIGGER_FIRES_ON_ORIGIN || t.tgenabled == TRIGGER_FIRES_ALWAYS;
            else if (strcmp(t.tgname, stamp_name) > 0)
                refuse(rel, psprintf("Trigger \"%s\" of table %s would run after listguard's check of the row.",
                                     t.tgname, RelationGetRelationName(child)));
        }
        if (!stamped)
            refuse(rel, psprintf("Table %s has no enabled listguard_stamp trigger.", RelationGetRelationName(child)));
        if (child != rel)
            table_close(child, NoLock);
    }
}

// The line of the COPY stays in the error's context, its content does not
// (an address, or a row of them): "COPY t, line 3, column email: "x"" and
// "COPY t, line 3: "..."" become "COPY t, line 3, column email" and "COPY
// t, line 3".
char* without_line_content(const char* context)
{
    if (context == nullptr)
        return nullptr;
    StringInfoData out;
    initStringInfo(&out);
    const char* line = context;
    while (*line) {
        const char* end = strchr(line, '\n');
        size_t len = end ? static_cast<size_t>(end - line) : strlen(line);
        size_t keep = len;
        if (strncmp(line, "COPY ", 5) == 0) {
            const char* at = static_cast<const char*>(memmem(line, len, ", line ", 7));
            if (at != nullptr) {
                const char* colon = static_cast<const char*>(memmem(at, len - (at - line), ": ", 2));
                if (colon != nullptr)
                    keep = static_cast<size_t>(colon - line);
            }
        }
        appendBinaryStringInfo(&out, line, static_cast<int>(keep));
        if (!end)
            break;
        appendStringInfoChar(&out, '\n');
        line = end + 1;
    }
    return out.data;
}

// The batched COPY (issue 24): with the stamping trigger as the only BEFORE
// ROW INSERT trigger of a plain table, listguard does what the trigger would
// to each row right after COPY parses it (pg/protect/copy_from.h:
// check_and_stamp_copied_row(), before the table's constraints, as a BEFORE
// ROW trigger runs), and inserts the checked rows in batches as PostgreSQL's
// own COPY does into a table without such triggers (table_multi_insert, then
// the indexes and AFTER ROW triggers of each row, the AFTER STATEMENT ones at
// the end). Anything else (a partitioned or foreign table, another BEFORE ROW
// or INSTEAD OF trigger, transition tables, volatile defaults, stored
// generated columns, FREEZE) takes PostgreSQL's CopyFrom() with the trigger.
constexpr int kBatchRows = 1000;   // as PostgreSQL's COPY: MAX_BUFFERED_TUPLES
constexpr int kBatchBytes = 65535; // and MAX_BUFFERED_BYTES

bool can_batch(CopyFromState cstate, Relation rel)
{
    if (rel->rd_rel->relkind != RELKIND_RELATION || cstate->volatile_defexprs || cstate->opts.freeze)
        return false;
    TupleDesc desc = RelationGetDescr(rel);
    if (desc->constr != nullptr && desc->constr->has_generated_stored)
        return false;
    TriggerDesc* triggers = rel->trigdesc;
    if (triggers == nullptr)
        return false; // check_copyable() found the stamping trigger
    if (triggers->trig_insert_instead_row || triggers->trig_insert_new_table)
        return false;
    const char* stamp_name = name_on_shard("listguard_stamp", RelationGetRelid(rel));
    bool stamped = false;
    for (int i = 0; i < triggers->numtriggers; i++) {
        const Trigger& t = triggers->triggers[i];
        if (t.tgenabled == TRIGGER_DISABLED || !TRIGGER_FOR_ROW(t.tgtype) || !TRIGGER_FOR_BEFORE(t.tgtype) ||
            !TRIGGER_FOR_INSERT(t.tgtype))
            continue;
        if (strcmp(t.tgname, stamp_name) != 0)
            return false;
        stamped = true;
    }
    return stamped;
}

struct Batch {
    TupleTableSlot* slots[kBatchRows];
    uint64 linenos[kBatchRows];
    int used;
    int bytes;
};

// Sealing each address once. COPY reads a row's columns in the order it was
// given; when the account and list columns come before an address, the row's
// stamp is known as the address is read, and the address is sealed with it
// straight away (one pass of the cipher) instead of sealed fresh by the
// type's input and sealed again by the stamping (three). Only in the text
// and CSV formats and for columns of the type itself (a domain's checks see
// the value its input makes); everything else, and any row whose scope is
// not a positive account and list yet, takes the type's input.
// check_and_stamp_copied_row() then finds the value stamped with its row's
// scope; a value stamped otherwise would be checked as a moved one.
struct RowBeingRead {
    const Datum* values = nullptr;
    const bool* nulls = nullptr;
    int account = 0; // attribute numbers; list 0 when the table has none
    int list = 0;
    Oid account_type = InvalidOid;
    Oid list_type = InvalidOid;
};
RowBeingRead row_being_read;

struct StampedColumn {
    FmgrInfo input; // the type's own input, for what is not sealed here
};

bool scope_part(int attnum, Oid type, int64* id)
{
    const RowBeingRead& row = row_being_read;
    if (row.values == nullptr || row.nulls[attnum - 1])
        return false;
    Datum d = row.values[attnum - 1];
    switch (type) {
    case INT2OID:
        *id = DatumGetInt16(d);
        break;
    case INT4OID:
        *id = DatumGetInt32(d);
        break;
    case INT8OID:
        *id = DatumGetInt64(d);
        break;
    default:
        return false;
    }
    return *id > 0;
}

Datum stamped_email_in(PG_FUNCTION_ARGS)
{
    auto* column = static_cast<StampedColumn*>(fcinfo->flinfo->fn_extra);
    char* text = PG_GETARG_CSTRING(0);
    const RowBeingRead& row = row_being_read;
    int64 account = 0, list = 0;
    if (scope_part(row.account, row.account_type, &account) &&
        (row.list == 0 || scope_part(row.list, row.list_type, &list))) {
        Datum value;
        if (seal_text_stamped(text, strlen(text), Stamp{account, list}, &value))
            return value;
    }
    return InputFunctionCall(&column->input, text, PG_GETARG_OID(1), PG_GETARG_INT32(2));
}

// Makes COPY read the table's listguard.email columns with
// stamped_email_in(), when the account (and list) column comes before them.
void seal_with_stamps(CopyFromState cstate, Relation rel, const Protection& protection)
{
    row_being_read = RowBeingRead{};
    if (cstate->opts.binary)
        return;
    TupleDesc desc = RelationGetDescr(rel);
    int account = SPI_fnumber(desc, NameStr(protection.account_column));
    int list = NameStr(protection.list_column)[0] ? SPI_fnumber(desc, NameStr(protection.list_column)) : 0;
    if (account <= 0 || list < 0)
        return;
    Oid email_type = listguard_objects().email_type;
    bool seen_account = false, seen_list = list == 0;
    ListCell* lc;
    foreach (lc, cstate->attnumlist) {
        int attnum = lfirst_int(lc);
        seen_account = seen_account || attnum == account;
        seen_list = seen_list || attnum == list;
        if (!seen_account || !seen_list || !OidIsValid(email_type) ||
            TupleDescAttr(desc, attnum - 1)->atttypid != email_type)
            continue;
        FmgrInfo* input = &cstate->in_functions[attnum - 1];
        auto* column = static_cast<StampedColumn*>(MemoryContextAlloc(cstate->copycontext, sizeof(StampedColumn)));
        column->input = *input;
        input->fn_addr = stamped_email_in;
        input->fn_extra = column;
    }
    row_being_read.account = account;
    row_being_read.list = list;
    row_being_read.account_type = TupleDescAttr(desc, account - 1)->atttypid;
    row_being_read.list_type = list > 0 ? TupleDescAttr(desc, list - 1)->atttypid : InvalidOid;
}

void flush(CopyFromState cstate, EState* estate, ResultRelInfo* rri, Batch* batch, CommandId cid, int options,
           BulkInsertState bistate, uint64* processed)
{
    if (batch->used == 0)
        return;
    bool line_buf_valid = cstate->line_buf_valid;
    uint64 lineno = cstate->cur_lineno;
    cstate->line_buf_valid = false;
    MemoryContext old = MemoryContextSwitchTo(GetPerTupleMemoryContext(estate));
    table_multi_insert(rri->ri_RelationDesc, batch->slots, batch->used, cid, options, bistate);
    MemoryContextSwitchTo(old);
    for (int i = 0; i < batch->used; i++) {
        TupleTableSlot* slot = batch->slots[i];
        cstate->cur_lineno = batch->linenos[i];
        if (rri->ri_NumIndices > 0) {
            List* recheck = ExecInsertIndexTuples(rri, slot, estate, false, false, nullptr, NIL);
            ExecARInsertTriggers(estate, rri, slot, recheck, nullptr);
            list_free(recheck);
        } else if (rri->ri_TrigDesc != nullptr && rri->ri_TrigDesc->trig_insert_after_row) {
            ExecARInsertTriggers(estate, rri, slot, NIL, nullptr);
        }
        ExecClearTuple(slot);
    }
    *processed += batch->used;
    pgstat_progress_update_param(PROGRESS_COPY_TUPLES_PROCESSED, static_cast<int64>(*processed));
    cstate->line_buf_valid = line_buf_valid;
    cstate->cur_lineno = lineno;
    batch->used = 0;
    batch->bytes = 0;
}

uint64 batched_copy_from(CopyFromState cstate, Relation rel)
{
    elog(DEBUG1, "COPY FROM into protected table \"%s\" inserts in batches", RelationGetRelationName(rel));
    Protection protection = protection_of(RelationGetRelid(rel));
    seal_with_stamps(cstate, rel, protection);
    EState* estate = CreateExecutorState();
    ExecInitRangeTable(estate, cstate->range_table);
    ResultRelInfo* rri = makeNode(ResultRelInfo);
    ExecInitResultRelation(estate, rri, 1);
    CheckValidResultRel(rri, CMD_INSERT);
    ExecOpenIndices(rri, false);
    AfterTriggerBeginQuery();
    ExecBSInsertTriggers(estate, rri);

    CommandId cid = GetCurrentCommandId(true);
    int options = 0;
    if (rel->rd_createSubid != InvalidSubTransactionId || rel->rd_firstRelfilenodeSubid != InvalidSubTransactionId)
        options |= TABLE_INSERT_SKIP_FSM;
    BulkInsertState bistate = GetBulkInsertState();
    auto* batch = static_cast<Batch*>(palloc0(sizeof(Batch)));
    ExprContext* econtext = GetPerTupleExprContext(estate);
    uint64 processed = 0;

    ErrorContextCallback callback;
    callback.callback = CopyFromErrorCallback;
    callback.arg = cstate;
    callback.previous = error_context_stack;
    error_context_stack = &callback;
    for (;;) {
        CHECK_FOR_INTERRUPTS();
        ResetPerTupleExprContext(estate);
        if (batch->slots[batch->used] == nullptr)
            batch->slots[batch->used] = table_slot_create(rel, &estate->es_tupleTable);
        TupleTableSlot* slot = batch->slots[batch->used];
        MemoryContext old = MemoryContextSwitchTo(GetPerTupleMemoryContext(estate));
        ExecClearTuple(slot);
        row_being_read.values = slot->tts_values;
        row_being_read.nulls = slot->tts_isnull;
        bool more = NextCopyFrom(cstate, econtext, slot->tts_values, slot->tts_isnull);
        row_being_read.values = nullptr;
        if (!more) {
            MemoryContextSwitchTo(old);
            break;
        }
        // What the stamping trigger would do, where it would: before the
        // table's constraints see the row.
        check_and_stamp_copied_row(rel, protection, slot->tts_values, slot->tts_isnull);
        count_checked_copy_row();
        ExecStoreVirtualTuple(slot);
        slot->tts_tableOid = RelationGetRelid(rel);
        if (rel->rd_att->constr != nullptr)
            ExecConstraints(rri, slot, estate);
        if (rel->rd_rel->relispartition)
            ExecPartitionCheck(rri, slot, estate, true);
        ExecMaterializeSlot(slot); // kept past this row's memory
        MemoryContextSwitchTo(old);
        batch->linenos[batch->used++] = cstate->cur_lineno;
        batch->bytes += cstate->line_buf.len;
        if (batch->used == kBatchRows || batch->bytes >= kBatchBytes)
            flush(cstate, estate, rri, batch, cid, options, bistate, &processed);
    }
    flush(cstate, estate, rri, batch, cid, options, bistate, &processed);
    error_context_stack = callback.previous;

    FreeBulkInsertState(bistate);
    table_finish_bulk_insert(rel, options);
    ExecASInsertTriggers(estate, rri, nullptr);
    AfterTriggerEndQuery(estate);
    ExecResetTupleTable(estate->es_tupleTable, false);
    ExecCloseResultRelations(estate);
    ExecCloseRangeTableRelations(estate);
    FreeExecutorState(estate);
    return processed;
}

} // namespace

bool in_protected_copy(Relation rel) noexcept
{
    return copy_state.active && list_member_oid(copy_state.relids, RelationGetRelid(rel));
}

void count_checked_copy_row() noexcept
{
    copy_state.checked++;
}

bool run_protected_copy_from(Node* node, const char* query, QueryEnvironment* env, QueryCompletion* qc,
                             bool inner_utility_hook)
{
    if (!IsA(node, CopyStmt))
        return false;
    auto* stmt = castNode(CopyStmt, node);
    if (!stmt->is_from || stmt->relation == nullptr || !row_security || copy_state.active)
        return false;
    Oid relid = RangeVarGetRelid(stmt->relation, NoLock, true);
    // A Citus table's rows go to its shards, through Citus's COPY; each
    // shard's COPY runs here on its node.
    if (citus_is_table(relid))
        return false;
    if (!OidIsValid(relid) || !protection_of(relid).is_protected ||
        check_enable_rls(relid, InvalidOid, true) != RLS_ENABLED)
        return false;
    if (inner_utility_hook)
        ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                        errmsg("cannot COPY FROM into protected table \"%s\" with this shared_preload_libraries order",
                               get_rel_name(relid)),
                        errdetail("A library listed before listguard handles utility statements after listguard "
                                  "does, and would not see this COPY."),
                        errhint("List listguard first in shared_preload_libraries, or load through a staging table "
                                "and INSERT ... SELECT.")));

    // DoCopy's own checks, for COPY FROM.
    if (stmt->filename != nullptr) {
        if (stmt->is_program) {
            if (!has_privs_of_role(GetUserId(), ROLE_PG_EXECUTE_SERVER_PROGRAM))
                ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                                errmsg("must be superuser or have privileges of the pg_execute_server_program role to "
                                       "COPY to or from an external program")));
        } else if (!has_privs_of_role(GetUserId(), ROLE_PG_READ_SERVER_FILES)) {
            ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                            errmsg("must be superuser or have privileges of the pg_read_server_files role to COPY "
                                   "from a file")));
        }
    }
    ParseState* pstate = make_parsestate(nullptr);
    pstate->p_sourcetext = query;
    pstate->p_queryEnv = env;
    Relation rel = table_openrv(stmt->relation, RowExclusiveLock);
    ParseNamespaceItem* item = addRangeTableEntryForRelation(pstate, rel, RowExclusiveLock, nullptr, false, false);
    RangeTblEntry* rte = item->p_rte;
    rte->requiredPerms = ACL_INSERT;
    List* attnums = CopyGetAttnums(RelationGetDescr(rel), rel, stmt->attlist);
    ListCell* lc;
    foreach (lc, attnums)
        rte->insertedCols = bms_add_member(rte->insertedCols, lfirst_int(lc) - FirstLowInvalidHeapAttributeNumber);
    ExecCheckRTPerms(pstate->p_rtable, true);
    if (XactReadOnly && !rel->rd_islocaltemp)
        PreventCommandIfReadOnly("COPY FROM");

    List* relids = find_all_inheritors(RelationGetRelid(rel), RowExclusiveLock, nullptr);
    if (rel->rd_rel->relkind != RELKIND_PARTITIONED_TABLE)
        relids = list_make1_oid(RelationGetRelid(rel)); // COPY into a parent of inheritance fills the parent only
    check_copyable(rel, relids, stmt);

    uint64 processed = 0;
    MemoryContext context = CurrentMemoryContext;
    copy_state.active = true;
    copy_state.target = RelationGetRelid(rel);
    copy_state.relids = relids;
    copy_state.checked = 0;
    PG_TRY();
    {
        CopyFromState cstate = BeginCopyFrom(pstate, rel, nullptr, stmt->filename, stmt->is_program, nullptr,
                                             stmt->attlist, stmt->options);
        processed = can_batch(cstate, rel) ? batched_copy_from(cstate, rel) : CopyFrom(cstate);
        EndCopyFrom(cstate);
    }
    PG_CATCH();
    {
        copy_state = ActiveCopy{};
        row_being_read = RowBeingRead{};
        MemoryContextSwitchTo(context);
        ErrorData* error = CopyErrorData();
        FlushErrorState();
        error->context = without_line_content(error->context);
        ReThrowError(error);
    }
    PG_END_TRY();
    uint64 checked = copy_state.checked;
    copy_state = ActiveCopy{};
    // Every row inserted went through the check (a row a later trigger
    // skipped was checked and not inserted).
    if (checked < processed)
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR),
                        errmsg("COPY FROM into protected table \"%s\" inserted rows listguard did not check",
                               RelationGetRelationName(rel)),
                        errdetail("%llu rows inserted, %llu checked.", static_cast<unsigned long long>(processed),
                                  static_cast<unsigned long long>(checked))));
    table_close(rel, NoLock);
    free_parsestate(pstate);
    if (qc != nullptr)
        SetQueryCompletion(qc, CMDTAG_COPY, processed);
    return true;
}

} // namespace listguard::pg
