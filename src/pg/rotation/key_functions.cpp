// The keyring's SQL functions, reached through the admin gate and run
// elevated (listguard.keys() -> listguard._keys()): listing the keyring,
// adding and choosing seal keys, reloading it; and CREATE EXTENSION's
// keyring and registration.
#include <cstring>
#include <string>
#include <vector>

#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/keys/database_registry.h"
#include "pg/keys/keyring.h"
#include "pg/rotation/key_events.h"
#include "pg/type/stored_value.h"

#include "core/keys/keyring.h"
#include "core/keys/keyring_file.h"

extern "C" {
#include "funcapi.h"
#include "utils/builtins.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(lg_init_keyring);
PG_FUNCTION_INFO_V1(lg_keys);
PG_FUNCTION_INFO_V1(lg_add_key);
PG_FUNCTION_INFO_V1(lg_use_key);
PG_FUNCTION_INFO_V1(lg_reload_keyring);
PG_FUNCTION_INFO_V1(lg_key_id);
PG_FUNCTION_INFO_V1(lg_under_current_key);
}

using namespace listguard;
using namespace listguard::pg;

// listguard._init_keyring(): CREATE EXTENSION makes a keyring if the
// cluster never had one, and registers this database.
extern "C" Datum lg_init_keyring(PG_FUNCTION_ARGS)
{
    require_preload();
    create_keyring_if_none();
    register_database();
    PG_RETURN_VOID();
}

// listguard._keys() -> (key_id, kind, current, retired_here)
extern "C" Datum lg_keys(PG_FUNCTION_ARGS)
{
    require_preload();
    ensure_keyring();
    InitMaterializedSRF(fcinfo, 0);
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    List* retired = keys_retired_here();
    Datum values[4];
    bool nulls[4] = {false, false, false, false};
    // The ids first, as plain text: no C++ object lives on while the rows
    // are made (PostgreSQL calls that may raise an error).
    constexpr std::size_t kIdSize = 2 * sealed::kKeyIdSize + 1;
    char index_id[2 * 8 + 1];
    std::size_t count = 0;
    std::size_t current = 0;
    char(*ids)[kIdSize] = nullptr;
    guarded([&] {
        strlcpy(index_id, keyring().index_id().c_str(), sizeof index_id);
        count = keyring().email().key_ids().size();
        current = keyring().email().current();
    });
    ids = static_cast<char(*)[kIdSize]>(palloc(kIdSize * Max(count, 1)));
    guarded([&] {
        std::vector<KeyId> keys = keyring().email().key_ids();
        for (std::size_t i = 0; i < count; i++)
            strlcpy(ids[i], keys[i].hex().c_str(), kIdSize);
    });
    values[0] = CStringGetTextDatum(index_id);
    values[1] = CStringGetTextDatum("index");
    values[2] = BoolGetDatum(false);
    values[3] = BoolGetDatum(false);
    tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    for (std::size_t i = 0; i < count; i++) {
        values[0] = CStringGetTextDatum(ids[i]);
        values[1] = CStringGetTextDatum("seal");
        values[2] = BoolGetDatum(i == current);
        values[3] = BoolGetDatum(list_has_key(retired, ids[i]));
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
    PG_RETURN_TEXT_P(guarded([&] {
        sealed::check_layout(v.data, v.size);
        return postgres_text(key_id_of(v.data).hex());
    }));
}

// listguard._under_current_key(email) -> boolean
extern "C" Datum lg_under_current_key(PG_FUNCTION_ARGS)
{
    require_preload();
    EmailBytes v = email_bytes(PG_GETARG_VARLENA_PP(0));
    PG_RETURN_BOOL(ensured_keyring().email().under_current_key(v.data));
}
