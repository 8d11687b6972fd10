#include "pg/citus/citus.h"
#include "pg/protect/copy_from.h"

#include <cstring>

#include "pg/protect/protection.h"

extern "C" {
#include "access/table.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_inherits.h"
#include "commands/copy.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "miscadmin.h"
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
        CopyFromState cstate =
            BeginCopyFrom(pstate, rel, nullptr, stmt->filename, stmt->is_program, nullptr, stmt->attlist, stmt->options);
        processed = CopyFrom(cstate);
        EndCopyFrom(cstate);
    }
    PG_CATCH();
    {
        copy_state = ActiveCopy{};
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
