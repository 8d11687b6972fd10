// Retiring a seal key: once no value of this database needs it (the caller
// checked, after waiting for older transactions), recorded here; once no
// database of the cluster needs it, it leaves the key file.
#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/keys/database_registry.h"
#include "pg/keys/keyring.h"
#include "pg/rotation/key_events.h"

#include "core/keys/keyring.h"
#include "core/keys/keyring_file.h"

extern "C" {
#include "catalog/pg_type.h"
#include "storage/lmgr.h"
#include "storage/procarray.h"
#include "utils/array.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(lg_wait_for_older_transactions);
PG_FUNCTION_INFO_V1(lg_retire_key_material);
}

using namespace listguard;
using namespace listguard::pg;

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
            (void)VirtualXactLock(old[i], true);
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
    retire_key_here(key_id);
    record_key_event("retire in database", key_id);
    List* pending = databases_needing_key(key_id);

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
