#include "pg/replica/citus_catalog.h"

#include <string>

#include "pg/access/catalog_confirmation.h"
#include "pg/access/role_labels.h"
#include "pg/base/catalog.h"
#include "pg/base/elevated_call.h"
#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/citus/citus.h"
#include "pg/citus/transit.h"
#include "pg/keys/keyring.h"

#include "core/keys/keyring.h"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"

PG_FUNCTION_INFO_V1(lg_citus_catalog);
PG_FUNCTION_INFO_V1(lg_citus_apply_catalog);
PG_FUNCTION_INFO_V1(lg_citus_push_catalog);
}

namespace listguard::pg {

namespace {

// Serialises the snapshots of concurrent transactions: the later one waits,
// then sees what the earlier one committed.
constexpr const char* kLock = "SELECT pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('listguard citus catalog'))";

// Roles and tables by name (their OIDs differ between nodes); only the
// protections and canaries of Citus tables, which every node has.
constexpr const char* kSnapshot = R"SQL(
WITH citus_tables AS (SELECT logicalrelid FROM pg_catalog.pg_dist_partition)
SELECT pg_catalog.jsonb_build_object(
    'index_key', $1::pg_catalog.text,
    'generation', $2::pg_catalog.int8,
    'grants', COALESCE((SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(g) ORDER BY g.id)
                        FROM listguard.grants g), '[]'),
    'protected_tables', COALESCE((SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(p) ORDER BY p.relid::pg_catalog.text)
                                  FROM listguard.protected_tables p
                                  WHERE p.relid::pg_catalog.oid IN (SELECT logicalrelid FROM citus_tables)), '[]'),
    'canaries', COALESCE((SELECT pg_catalog.jsonb_agg(pg_catalog.to_jsonb(c) OPERATOR(pg_catalog.||)
                              pg_catalog.jsonb_build_object('relid',
                                  CASE WHEN c.relid::pg_catalog.oid IN (SELECT logicalrelid FROM citus_tables)
                                  THEN c.relid::pg_catalog.text END,
                                  'address', listguard._transit_token(c.address)) ORDER BY c.id)
                          FROM listguard.canaries c), '[]'))::pg_catalog.text
)SQL";

// Every catalog the coordinator sends carries a generation, later than any
// before it (the microseconds of its clock, or one more than the last):
// sent in the changing transaction, serialised by the lock above. A worker
// takes a catalog only if it is newer than the one it holds, so that a
// link's copy taken before a change cannot undo it (a revocation above all).
constexpr const char* kNextGeneration =
    "UPDATE listguard.catalog_generation SET generation = GREATEST(generation OPERATOR(pg_catalog.+) 1, "
    "(pg_catalog.date_part('epoch', pg_catalog.clock_timestamp()) OPERATOR(pg_catalog.*) 1000000)::pg_catalog.int8) "
    "RETURNING generation";
constexpr const char* kGeneration = "SELECT generation FROM listguard.catalog_generation";
// On a worker: the catalog's generation taken, if it is newer.
constexpr const char* kTakeGeneration =
    "UPDATE listguard.catalog_generation SET generation = ($1::pg_catalog.jsonb OPERATOR(pg_catalog.->>) "
    "'generation')::pg_catalog.int8 WHERE generation OPERATOR(pg_catalog.<) ($1::pg_catalog.jsonb "
    "OPERATOR(pg_catalog.->>) 'generation')::pg_catalog.int8";

constexpr const char* kApply[] = {
    "LOCK TABLE listguard.grants, listguard.protected_tables, listguard.canaries IN EXCLUSIVE MODE",
    "DELETE FROM listguard.grants",
    "INSERT INTO listguard.grants SELECT * FROM pg_catalog.jsonb_populate_recordset(NULL::listguard.grants, "
    "$1::pg_catalog.jsonb OPERATOR(pg_catalog.->) 'grants')",
    "DELETE FROM listguard.protected_tables",
    "INSERT INTO listguard.protected_tables SELECT * FROM "
    "pg_catalog.jsonb_populate_recordset(NULL::listguard.protected_tables, "
    "$1::pg_catalog.jsonb OPERATOR(pg_catalog.->) 'protected_tables')",
    "DELETE FROM listguard.canaries",
    "INSERT INTO listguard.canaries SELECT * FROM pg_catalog.jsonb_populate_recordset(NULL::listguard.canaries, "
    "$1::pg_catalog.jsonb OPERATOR(pg_catalog.->) 'canaries')",
};

char* index_key_id()
{
    ensure_keyring();
    char id[64];
    guarded([&] { strlcpy(id, keyring().index_id().c_str(), sizeof id); });
    return pstrdup(id);
}

bool pushed_in_transaction = false;

} // namespace

char* catalog_snapshot(bool next_generation, int64* generation_out)
{
    char* key = index_key_id();
    char* result = nullptr;
    MemoryContext caller = CurrentMemoryContext;
    with_transit(true, [&] {
        elevated([&] {
            if (SPI_execute(kLock, false, 0) != SPI_OK_SELECT)
                elog(ERROR, "could not lock listguard's catalog");
            // Not read-only: a snapshot taken after the lock, which sees what
            // a transaction that held it committed.
            int rc = next_generation ? SPI_execute(kNextGeneration, false, 0) : SPI_execute(kGeneration, false, 0);
            if ((rc != SPI_OK_UPDATE_RETURNING && rc != SPI_OK_SELECT) || SPI_processed != 1)
                elog(ERROR, "could not read listguard.catalog_generation");
            bool isnull;
            int64 generation = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
            if (generation_out != nullptr)
                *generation_out = generation;
            Oid types[] = {TEXTOID, INT8OID};
            Datum values[] = {CStringGetTextDatum(key), Int64GetDatum(generation)};
            if (SPI_execute_with_args(kSnapshot, 2, types, values, nullptr, false, 1) != SPI_OK_SELECT ||
                SPI_processed != 1)
                elog(ERROR, "could not read listguard's catalog");
            char* text = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
            result = MemoryContextStrdup(caller, text);
        });
    });
    return result;
}

void apply_catalog(const char* snapshot)
{
    char* key = index_key_id();
    elevated([&] {
        Oid types[] = {TEXTOID};
        Datum values[] = {CStringGetTextDatum(snapshot)};
        if (SPI_execute_with_args("SELECT $1::pg_catalog.jsonb OPERATOR(pg_catalog.->>) 'index_key'", 1, types, values,
                                  nullptr, true, 1) != SPI_OK_SELECT ||
            SPI_processed != 1)
            elog(ERROR, "could not read a listguard catalog");
        char* theirs = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
        if (theirs == nullptr || strcmp(theirs, key) != 0)
            ereport(ERROR, (errcode(ERRCODE_CONFIG_FILE_ERROR),
                            errmsg("the listguard keyring of this node is not the coordinator's"),
                            errdetail("The coordinator's index key id is %s; this node's is %s.",
                                      theirs ? theirs : "unknown", key),
                            errhint("Every node of a Citus cluster needs the same keyring: copy the coordinator's "
                                    "key file, or point listguard.key_command at the same secret.")));
        if (SPI_execute_with_args(kTakeGeneration, 1, types, values, nullptr, false, 0) != SPI_OK_UPDATE)
            elog(ERROR, "could not update listguard.catalog_generation");
        if (SPI_processed == 0)
            return; // this node holds a newer catalog already
        for (const char* sql : kApply)
            if (SPI_execute_with_args(sql, 1, types, values, nullptr, false, 0) < 0)
                elog(ERROR, "could not apply a listguard catalog: %s", sql);
        // Grantees carry listguard's label here too (the role guard).
        if (SPI_execute("SELECT DISTINCT grantee::pg_catalog.oid FROM listguard.grants", false, 0) != SPI_OK_SELECT)
            elog(ERROR, "could not read listguard.grants");
        uint64 n = SPI_processed;
        Oid* roles = static_cast<Oid*>(palloc(sizeof(Oid) * (n + 1)));
        for (uint64 i = 0; i < n; i++) {
            bool isnull;
            roles[i] = DatumGetObjectId(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1, &isnull));
        }
        for (uint64 i = 0; i < n; i++)
            label_role(roles[i], kGranteeLabel);
    });
    forget_catalog_change(); // what came from the coordinator goes nowhere else
}

int64 held_catalog_generation()
{
    int64 generation = 0;
    elevated([&] {
        // Not read-only: sees what this transaction changed (a catalog it took).
        if (SPI_execute(kGeneration, false, 0) != SPI_OK_SELECT || SPI_processed != 1)
            elog(ERROR, "could not read listguard.catalog_generation");
        bool isnull;
        generation = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
    });
    return generation;
}

void push_catalog()
{
    if (!citus_active() || citus_is_worker() || !OidIsValid(listguard_objects().schema))
        return;
    char* snapshot = catalog_snapshot(true, nullptr);
    char* command = psprintf("SELECT listguard._citus_apply_catalog(%s)", quote_literal_cstr(snapshot));
    // As the extension's owner: Citus runs it as that superuser on every
    // other node, in this transaction.
    elevated([&] {
        const char* owner = GetUserNameFromId(GetUserId(), false);
        citus_run_on_other_nodes(command, owner);
    });
    forget_catalog_change();
    pushed_in_transaction = true;
}

void push_catalog_at_commit()
{
    if (!catalog_change_pending() || !IsTransactionState())
        return;
    PushActiveSnapshot(GetTransactionSnapshot());
    push_catalog();
    PopActiveSnapshot();
    forget_catalog_change();
}

void catalog_at_transaction_end() noexcept
{
    forget_catalog_change();
    pushed_in_transaction = false;
}

} // namespace listguard::pg

using namespace listguard::pg;

// listguard._citus_catalog(held bigint) -> text: this node's catalog for a
// worker's link, or null if the worker holds its generation already.
extern "C" Datum lg_citus_catalog(PG_FUNCTION_ARGS)
{
    require_preload();
    int64 generation = 0;
    char* snapshot = catalog_snapshot(false, &generation);
    if (!PG_ARGISNULL(0) && PG_GETARG_INT64(0) == generation)
        PG_RETURN_NULL();
    PG_RETURN_TEXT_P(cstring_to_text(snapshot));
}

// listguard._citus_apply_catalog(snapshot text): replaces this node's
// catalog with the coordinator's. Superusers only: the coordinator's
// listguard sends it through Citus as its extension's owner.
extern "C" Datum lg_citus_apply_catalog(PG_FUNCTION_ARGS)
{
    require_preload();
    if (!superuser())
        ereport(ERROR,
                (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("permission denied to replace listguard's catalog"),
                 errdetail("Only the coordinator of a Citus cluster sends its catalog to the other nodes.")));
    if (!citus_is_worker())
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("this node is not a worker of a Citus cluster"),
                        errdetail("listguard's catalog is made on the coordinator and sent to the workers.")));
    apply_catalog(text_to_cstring(PG_GETARG_TEXT_PP(0)));
    // Sent by the coordinator, in its transaction: backends count it
    // confirmed once this generation has committed here.
    confirm_citus_catalog(MyDatabaseId, held_catalog_generation());
    PG_RETURN_VOID();
}

// listguard._citus_push_catalog(): sends the catalog to the other nodes now,
// in this transaction (protect() does, before it stamps their shards).
extern "C" Datum lg_citus_push_catalog(PG_FUNCTION_ARGS)
{
    require_preload();
    push_catalog();
    PG_RETURN_VOID();
}
