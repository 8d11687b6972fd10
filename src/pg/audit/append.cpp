#include "pg/audit/append.h"

#include "pg/audit/archived_head.h"
#include "pg/audit/record.h"
#include "pg/base/catalog.h"
#include "pg/base/guard.h"
#include "pg/keys/keyring.h"

#include "core/audit/head.h"

extern "C" {
#include "access/htup_details.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "storage/lmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"
}

namespace listguard::pg {

bool in_audit_writer = false;

namespace {

// One INSERT per batch: the rows go in as one array of the table's row
// type, so the executor starts once per batch, not once per event.
SPIPlanPtr insert_plan = nullptr;
Oid row_type = InvalidOid;
SPIPlanPtr head_update_plan = nullptr;
SPIPlanPtr head_insert_plan = nullptr;

void prepare_insert(Oid audit_log)
{
    if (insert_plan != nullptr)
        return;
    row_type = get_rel_type_id(audit_log);
    Oid array_type = get_array_type(row_type);
    SPIPlanPtr plan =
        SPI_prepare("INSERT INTO listguard.audit_log SELECT * FROM pg_catalog.unnest($1)", 1, &array_type);
    if (plan == nullptr)
        elog(ERROR, "could not prepare the audit insert: %s", SPI_result_code_string(SPI_result));
    SPI_keepplan(plan);
    insert_plan = plan;
}

// The chain's last row. Read afresh for every batch: a restore or a
// standby's events may have been appended meanwhile.
ChainTail read_tail()
{
    ChainTail tail;
    // Not read-only: SPI then takes a fresh snapshot, which sees what an
    // appender that held the lock before committed. (The caller's snapshot
    // was taken before the lock was.)
    int rc = SPI_execute("SELECT id, link FROM listguard.audit_log ORDER BY id DESC LIMIT 1", false, 1);
    if (rc != SPI_OK_SELECT)
        elog(ERROR, "could not read the audit chain head");
    if (SPI_processed == 1) {
        bool isnull;
        tail.id = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
        bytea* link = DatumGetByteaPP(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
        if (!isnull && VARSIZE_ANY_EXHDR(link) == kLinkSize)
            memcpy(tail.link, VARDATA_ANY(link), kLinkSize);
        return tail;
    }
    // An empty table: the chain goes on from its archived events, if any.
    ArchivedHead archived = read_archived_head(true);
    if (archived.present && archived.sealed) {
        tail.id = archived.last_id;
        memcpy(tail.link, archived.exit_link, kLinkSize);
    }
    return tail;
}

SPIPlanPtr kept_plan(const char* sql, int nargs, Oid* types)
{
    SPIPlanPtr plan = SPI_prepare(sql, nargs, types);
    if (plan == nullptr)
        elog(ERROR, "could not prepare \"%s\": %s", sql, SPI_result_code_string(SPI_result));
    SPI_keepplan(plan);
    return plan;
}

// The head row of this database's own chain, sealed, in the appender's
// transaction: a dump's snapshot sees the head that matches its events.
void record_head(const ChainTail& tail)
{
    if (!OidIsValid(listguard_objects().audit_heads))
        return; // a 0.2 catalog, before ALTER EXTENSION UPDATE
    // Plain data only across the PostgreSQL calls; the head (its source a
    // std::string) lives in guarded() alone.
    const char* source = own_chain_source();
    TimestampTz as_of = GetCurrentTimestamp();
    uint8 seal[kLinkSize];
    ensure_keyring();
    guarded([&] {
        AuditHead head;
        head.last_id = tail.id;
        memcpy(head.link, tail.link, kLinkSize);
        head.as_of = as_of;
        head.source = source;
        seal_head(keyring().audit(), head, seal);
    });
    if (head_update_plan == nullptr) {
        Oid types[] = {TEXTOID, INT8OID, BYTEAOID, TIMESTAMPTZOID, BYTEAOID};
        head_update_plan = kept_plan("UPDATE listguard.audit_heads SET last_id = $2, last_link = $3, as_of = $4, "
                                     "seal = $5 WHERE source OPERATOR(pg_catalog.=) $1 AND restored_at IS NULL",
                                     5, types);
        head_insert_plan = kept_plan("INSERT INTO listguard.audit_heads (source, last_id, last_link, as_of, seal) "
                                     "VALUES ($1, $2, $3, $4, $5)",
                                     5, types);
    }
    Datum values[] = {CStringGetTextDatum(source), Int64GetDatum(tail.id), bytea_datum(tail.link, kLinkSize),
                      TimestampTzGetDatum(as_of), bytea_datum(seal, kLinkSize)};
    if (SPI_execute_plan(head_update_plan, values, nullptr, false, 0) != SPI_OK_UPDATE)
        elog(ERROR, "could not record the audit chain's head");
    if (SPI_processed == 0 && SPI_execute_plan(head_insert_plan, values, nullptr, false, 0) != SPI_OK_INSERT)
        elog(ERROR, "could not record the audit chain's head");
}

} // namespace

char* own_chain_source()
{
    return psprintf("cluster %llu database %u", static_cast<unsigned long long>(GetSystemIdentifier()), MyDatabaseId);
}

ChainTail append_to_audit_log(Oid audit_log, const AuditEvent* events, int count)
{
    // One snapshot for the whole transaction would never see the rows
    // another appender committed while this one waited for the lock.
    if (IsolationUsesXactSnapshot())
        ereport(ERROR, (errcode(ERRCODE_ACTIVE_SQL_TRANSACTION),
                        errmsg("listguard appends to its audit log only in READ COMMITTED transactions")));
    LockRelationOid(audit_log, ShareRowExclusiveLock);
    ChainTail next = read_tail();
    if (count == 0)
        return next;
    prepare_insert(audit_log);
    TupleDesc desc = lookup_rowtype_tupdesc(row_type, -1);
    Datum* rows = static_cast<Datum*>(palloc(sizeof(Datum) * count));
    Datum values[kAuditColumns];
    bool nulls[kAuditColumns];
    for (int i = 0; i < count; i++) {
        int64 id = next.id + 1;
        audit_row_from_event(events[i], id, next.link, values, nulls);
        uint8 link[kLinkSize];
        audit_row_link(values, nulls, link);
        values[kLink] = bytea_datum(link, kLinkSize);
        nulls[kLink] = false;
        rows[i] = heap_copy_tuple_as_datum(heap_form_tuple(desc, values, nulls), desc);
        next.id = id;
        memcpy(next.link, link, kLinkSize);
    }
    ReleaseTupleDesc(desc);
    Datum array = PointerGetDatum(construct_array(rows, count, row_type, -1, false, TYPALIGN_DOUBLE));
    if (SPI_execute_plan(insert_plan, &array, nullptr, false, 0) != SPI_OK_INSERT)
        elog(ERROR, "could not append to listguard.audit_log");
    record_head(next);
    return next;
}

void forget_audit_append_plan()
{
    for (SPIPlanPtr* plan : {&insert_plan, &head_update_plan, &head_insert_plan}) {
        if (*plan != nullptr)
            (void)SPI_freeplan(*plan);
        *plan = nullptr;
    }
}

} // namespace listguard::pg
