// Key rotation: listing the keyring, adding and choosing seal keys,
// re-sealing stored values under the current key in batches, and retiring
// an old key once no database of the cluster needs it. The SQL-facing
// functions are reached through the admin gate (listguard.keys() ->
// listguard._keys()) and run elevated.
//
// Which databases still need a key: each database that has listguard
// registers at CREATE EXTENSION with a file pg_listguard/databases/<oid>,
// where retire_key() later lists the keys that database no longer holds.
// A key leaves the keyring only when every registered database that still
// exists has retired it.
#include <cstring>
#include <string>

#include <openssl/crypto.h>

#include "pg/audit/events.h"
#include "pg/base/guard.h"
#include "pg/base/module.h"
#include "pg/base/session_settings.h"
#include "pg/keys/keyring.h"
#include "pg/keys/rotation.h"
#include "pg/protect/protection.h"
#include "pg/protect/rows.h"
#include "pg/type/value.h"

#include "core/keys/keyring_file.h"

extern "C" {
#include "access/table.h"
#include "catalog/pg_authid.h"
#include "commands/dbcommands.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "storage/fd.h"
#include "storage/lmgr.h"
#include "storage/procarray.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(lg_init_keyring);
PG_FUNCTION_INFO_V1(lg_keys);
PG_FUNCTION_INFO_V1(lg_add_key);
PG_FUNCTION_INFO_V1(lg_use_key);
PG_FUNCTION_INFO_V1(lg_reload_keyring);
PG_FUNCTION_INFO_V1(lg_key_id);
PG_FUNCTION_INFO_V1(lg_under_current_key);
PG_FUNCTION_INFO_V1(lg_resealed);
PG_FUNCTION_INFO_V1(lg_reseal_batch);
PG_FUNCTION_INFO_V1(lg_wait_for_older_transactions);
PG_FUNCTION_INFO_V1(lg_retire_key_material);
}

using namespace listguard;
using namespace listguard::pg;

namespace {

constexpr const char* kDatabasesDirectory = "pg_listguard/databases";

char* registry_path(Oid database) { return psprintf("%s/%u", kDatabasesDirectory, database); }

// The key ids a database has retired, one per line.
List* retired_keys(Oid database, bool* registered)
{
    FILE* file = AllocateFile(registry_path(database), "r");
    *registered = file != nullptr;
    if (file == nullptr) {
        if (errno != ENOENT)
            ereport(ERROR, (errcode_for_file_access(), errmsg("could not read file \"%s\": %m", registry_path(database))));
        return NIL;
    }
    List* keys = NIL;
    char line[64];
    while (fgets(line, sizeof line, file) != nullptr) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] != '\0')
            keys = lappend(keys, pstrdup(line));
    }
    FreeFile(file);
    return keys;
}

bool list_has_key(List* keys, const char* key_id)
{
    ListCell* lc;
    foreach (lc, keys)
        if (strcmp(static_cast<const char*>(lfirst(lc)), key_id) == 0)
            return true;
    return false;
}

void write_registry(Oid database, List* keys)
{
    if (MakePGDirectory("pg_listguard") < 0 && errno != EEXIST)
        ereport(ERROR, (errcode_for_file_access(), errmsg("could not create directory \"pg_listguard\": %m")));
    if (MakePGDirectory(kDatabasesDirectory) < 0 && errno != EEXIST)
        ereport(ERROR, (errcode_for_file_access(), errmsg("could not create directory \"%s\": %m", kDatabasesDirectory)));
    char* path = registry_path(database);
    char* temp = psprintf("%s.tmp.%d", path, MyProcPid);
    FILE* file = AllocateFile(temp, PG_BINARY_W);
    if (file == nullptr)
        ereport(ERROR, (errcode_for_file_access(), errmsg("could not create file \"%s\": %m", temp)));
    bool ok = true;
    ListCell* lc;
    foreach (lc, keys)
        ok = ok && fprintf(file, "%s\n", static_cast<const char*>(lfirst(lc))) > 0;
    ok = ok && fflush(file) == 0 && pg_fsync(fileno(file)) == 0;
    FreeFile(file);
    if (!ok)
        ereport(ERROR, (errcode_for_file_access(), errmsg("could not write file \"%s\": %m", temp)));
    durable_rename(temp, path, ERROR);
}

// Whether a seal key id (8 hex digits) is in the loaded keyring; its index.
int find_seal_key(const char* key_id)
{
    std::vector<KeyId> ids = keyring().email().key_ids();
    for (std::size_t i = 0; i < ids.size(); i++)
        if (ids[i].hex() == key_id)
            return static_cast<int>(i);
    return -1;
}

const char* current_key_id() { return pstrdup(keyring().email().key_ids()[keyring().email().current()].hex().c_str()); }

void record_key_event(const char* action, const char* key_id)
{
    record_event(EventKind::Key, psprintf("{\"action\": %s, \"key\": %s}", json_string(action), json_string(key_id)));
}

} // namespace

void listguard::pg::copy_key_registry(Oid from, Oid to)
{
    bool registered;
    List* keys = retired_keys(from, &registered);
    if (registered)
        write_registry(to, keys);
}

// listguard._init_keyring(): CREATE EXTENSION makes a keyring if the
// cluster never had one, and registers this database.
extern "C" Datum lg_init_keyring(PG_FUNCTION_ARGS)
{
    require_preload();
    create_keyring_if_none();
    bool registered;
    List* keys = retired_keys(MyDatabaseId, &registered);
    if (!registered)
        write_registry(MyDatabaseId, keys);
    PG_RETURN_VOID();
}

// listguard._keys() -> (key_id, kind, current, retired_here)
extern "C" Datum lg_keys(PG_FUNCTION_ARGS)
{
    require_preload();
    ensure_keyring();
    InitMaterializedSRF(fcinfo, 0);
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    bool registered;
    List* retired = retired_keys(MyDatabaseId, &registered);
    Datum values[4];
    bool nulls[4] = {false, false, false, false};
    values[0] = CStringGetTextDatum(keyring().index_id().c_str());
    values[1] = CStringGetTextDatum("index");
    values[2] = BoolGetDatum(false);
    values[3] = BoolGetDatum(false);
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    std::vector<KeyId> ids = keyring().email().key_ids();
    for (std::size_t i = 0; i < ids.size(); i++) {
        const char* id = pstrdup(ids[i].hex().c_str());
        values[0] = CStringGetTextDatum(id);
        values[1] = CStringGetTextDatum("seal");
        values[2] = BoolGetDatum(i == keyring().email().current());
        values[3] = BoolGetDatum(list_has_key(retired, id));
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    return (Datum)0;
}

// listguard._add_key(make_current) -> text: a new random seal key in the
// key file.
extern "C" Datum lg_add_key(PG_FUNCTION_ARGS)
{
    require_preload();
    bool make_current = PG_ARGISNULL(0) ? true : PG_GETARG_BOOL(0);
    char id[2 * sealed::kKeyIdSize + 1];
    edit_key_file([&](KeyringSpec& spec) {
        if (spec.legacy)
            spec.legacy = false; // written out in full from now on: the same key as index and seal key
        spec.seals.push_back(new_key());
        if (make_current)
            spec.current = spec.seals.size() - 1;
        std::string hex = seal_key_id(spec.seals.back()).hex();
        std::memcpy(id, hex.c_str(), sizeof id);
    });
    record_key_event(make_current ? "add, current" : "add", id);
    PG_RETURN_TEXT_P(cstring_to_text(id));
}

// listguard._use_key(key_id): new values are sealed under this seal key.
extern "C" Datum lg_use_key(PG_FUNCTION_ARGS)
{
    require_preload();
    char* key_id = text_to_cstring(PG_GETARG_TEXT_PP(0));
    ensure_keyring();
    if (find_seal_key(key_id) < 0)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_OBJECT), errmsg("seal key %s is not in the keyring", key_id),
                        errhint("listguard.keys() lists the keyring.")));
    edit_key_file([&](KeyringSpec& spec) {
        for (std::size_t i = 0; i < spec.seals.size(); i++)
            if (seal_key_id(spec.seals[i]).hex() == key_id)
                spec.current = i;
        spec.legacy = false;
    });
    record_key_event("use", key_id);
    PG_RETURN_VOID();
}

// listguard._reload_keyring(): after the keyring changed where
// listguard.key_command reads it.
extern "C" Datum lg_reload_keyring(PG_FUNCTION_ARGS)
{
    require_preload();
    reload_keyring_everywhere();
    ensure_keyring(); // fails here, for the admin, if the new keyring is wrong
    record_key_event("reload", current_key_id());
    PG_RETURN_VOID();
}

// listguard._key_id(email) -> text: the seal key that sealed a value.
extern "C" Datum lg_key_id(PG_FUNCTION_ARGS)
{
    require_preload();
    EmailBytes v = email_bytes(PG_GETARG_VARLENA_PP(0));
    guarded([&] { sealed::check_layout(v.data, v.size); });
    PG_RETURN_TEXT_P(cstring_to_text(key_id_of(v.data).hex().c_str()));
}

// listguard._under_current_key(email) -> boolean
extern "C" Datum lg_under_current_key(PG_FUNCTION_ARGS)
{
    require_preload();
    EmailBytes v = email_bytes(PG_GETARG_VARLENA_PP(0));
    ensure_keyring();
    PG_RETURN_BOOL(keyring().email().under_current_key(v.data));
}

// listguard._resealed(email) -> email: the same value under the current key.
// Public: it changes nothing a role could not copy anyway (stamp, digest
// and address stay), and table owners run it when their tables are resealed.
extern "C" Datum lg_resealed(PG_FUNCTION_ARGS)
{
    require_preload();
    struct varlena* raw = PG_GETARG_VARLENA_PP(0);
    EmailBytes v = email_bytes(raw);
    ensure_keyring();
    if (keyring().email().under_current_key(v.data))
        PG_RETURN_POINTER(raw);
    std::uint8_t out[sealed::kMaxSize];
    std::size_t size = guarded([&] { return keyring().email().reseal(v.data, v.size, out); });
    Datum result = email_datum(out, size);
    OPENSSL_cleanse(out, sizeof out);
    return result;
}

// listguard._reseal_batch(tbl, from_block, to_block) -> bigint: re-seals
// under the current key the values not under it in blocks [from, to) of one
// table. A protected table is rewritten as the extension owner (its code is
// vetted); any other table as its owner, in a security-restricted
// operation, so that none of its code runs with an administrator's rights.
// The table's ordinary triggers do not fire: nothing changes but the key.
extern "C" Datum lg_reseal_batch(PG_FUNCTION_ARGS)
{
    require_preload();
    Oid relid = PG_GETARG_OID(0);
    int64 from = PG_GETARG_INT64(1);
    int64 to = PG_GETARG_INT64(2);
    if (get_rel_relkind(relid) != RELKIND_RELATION)
        PG_RETURN_INT64(0);

    Relation rel = table_open(relid, AccessShareLock);
    const EmailColumns& cols = email_columns(rel);
    TupleDesc desc = RelationGetDescr(rel);
    Oid owner = rel->rd_rel->relowner;
    StringInfoData sets, stale;
    initStringInfo(&sets);
    initStringInfo(&stale);
    for (int c = 0; c < cols.count; c++) {
        const char* column = quote_identifier(NameStr(TupleDescAttr(desc, cols.attnums[c] - 1)->attname));
        appendStringInfo(&sets, "%s%s = listguard._resealed(%s)", c > 0 ? ", " : "", column, column);
        appendStringInfo(&stale, "%sNOT listguard._under_current_key(%s)", c > 0 ? " OR " : "", column);
    }
    char* table = quote_qualified_identifier(get_namespace_name(RelationGetNamespace(rel)),
                                             RelationGetRelationName(rel));
    table_close(rel, AccessShareLock);
    if (cols.count == 0)
        PG_RETURN_INT64(0);

    char* sql = psprintf("UPDATE ONLY %s SET %s WHERE ctid OPERATOR(pg_catalog.>=) '(%lld,0)'::pg_catalog.tid "
                         "AND ctid OPERATOR(pg_catalog.<) '(%lld,0)'::pg_catalog.tid AND (%s)",
                         table, sets.data, static_cast<long long>(from), static_cast<long long>(to), stale.data);
    bool as_owner = !protection_of(relid).is_protected;
    Oid saved_user;
    int saved_context;
    GetUserIdAndSecContext(&saved_user, &saved_context);
    int nest_level = pin_settings();
    (void) set_config_option("session_replication_role", "replica", PGC_SUSET, PGC_S_SESSION, GUC_ACTION_SAVE, true,
                             0, false);
    if (as_owner)
        SetUserIdAndSecContext(owner, saved_context | SECURITY_LOCAL_USERID_CHANGE | SECURITY_RESTRICTED_OPERATION);
    else
        SetUserIdAndSecContext(saved_user, saved_context | SECURITY_RESTRICTED_OPERATION);
    if (SPI_connect() != SPI_OK_CONNECT)
        elog(ERROR, "SPI_connect failed");
    if (SPI_execute(sql, false, 0) != SPI_OK_UPDATE)
        elog(ERROR, "could not re-seal the rows of %s", table);
    int64 resealed = static_cast<int64>(SPI_processed);
    SPI_finish();
    SetUserIdAndSecContext(saved_user, saved_context);
    AtEOXact_GUC(false, nest_level); // undo whatever the table's code set
    if (resealed > 0) {
        EventScope scope = table_scope(relid);
        scope.counts_json = psprintf("{\"resealed\": %lld}", static_cast<long long>(resealed));
        record_event(EventKind::Key,
                     psprintf("{\"action\": \"reseal\", \"key\": %s, \"blocks\": [%lld, %lld]}",
                              json_string(current_key_id()), static_cast<long long>(from), static_cast<long long>(to)),
                     scope);
    }
    PG_RETURN_INT64(resealed);
}

// listguard._wait_for_older_transactions(): waits until every transaction
// of this database that was running when it was called has ended, so that
// a scan after it sees every value they wrote (as CREATE INDEX
// CONCURRENTLY waits for older snapshots).
extern "C" Datum lg_wait_for_older_transactions(PG_FUNCTION_ARGS)
{
    require_preload();
    int count = 0;
    VirtualTransactionId* old = GetCurrentVirtualXIDs(InvalidTransactionId, false, true, 0, &count);
    for (int i = 0; i < count; i++)
        if (VirtualTransactionIdIsValid(old[i]))
            (void) VirtualXactLock(old[i], true);
    PG_RETURN_VOID();
}

// listguard._retire_key_material(key_id) -> text[]: records that this
// database holds no value under the key any more (the caller has checked),
// and returns the databases that still may. When none does, the key leaves
// the key file (or the caller says to remove it from the key command's
// source).
extern "C" Datum lg_retire_key_material(PG_FUNCTION_ARGS)
{
    require_preload();
    char* key_id = text_to_cstring(PG_GETARG_TEXT_PP(0));
    ensure_keyring();
    bool registered;
    List* mine = retired_keys(MyDatabaseId, &registered);
    if (!list_has_key(mine, key_id))
        write_registry(MyDatabaseId, lappend(mine, key_id));
    record_key_event("retire in database", key_id);

    // Every registered database that still exists and has not retired it.
    List* pending = NIL;
    DIR* dir = AllocateDir(kDatabasesDirectory);
    struct dirent* entry;
    while ((entry = ReadDir(dir, kDatabasesDirectory)) != nullptr) {
        char* end;
        unsigned long oid = strtoul(entry->d_name, &end, 10);
        if (*end != '\0' || oid == 0 || oid == MyDatabaseId)
            continue;
        char* name = get_database_name(static_cast<Oid>(oid));
        if (name == nullptr)
            continue; // dropped
        bool other_registered;
        if (!list_has_key(retired_keys(static_cast<Oid>(oid), &other_registered), key_id))
            pending = lappend(pending, name);
    }
    FreeDir(dir);

    if (pending == NIL && find_seal_key(key_id) >= 0) {
        if (keyring_from_file()) {
            edit_key_file([&](KeyringSpec& spec) {
                for (std::size_t i = 0; i < spec.seals.size(); i++) {
                    if (seal_key_id(spec.seals[i]).hex() != key_id)
                        continue;
                    if (i == spec.current)
                        throw Error(ErrorKind::InvalidParameter, "the current seal key cannot be retired");
                    if (spec.legacy)
                        spec.legacy = false; // the index key stays: it was the same key
                    spec.seals.erase(spec.seals.begin() + static_cast<long>(i));
                    if (spec.current > i)
                        spec.current--;
                    return;
                }
            });
            record_key_event("remove from key file", key_id);
        } else {
            ereport(NOTICE, (errmsg("no database of this cluster needs seal key %s any more", key_id),
                             errhint("Remove it from the keyring that listguard.key_command prints, then call "
                                     "listguard.reload_keyring().")));
        }
    }
    Datum* names = static_cast<Datum*>(palloc(sizeof(Datum) * Max(list_length(pending), 1)));
    int n = 0;
    ListCell* lc;
    foreach (lc, pending)
        names[n++] = CStringGetTextDatum(static_cast<const char*>(lfirst(lc)));
    PG_RETURN_ARRAYTYPE_P(construct_array(names, n, TEXTOID, -1, false, TYPALIGN_INT));
}
