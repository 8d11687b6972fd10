#include "pg/type/fresh_nonce.h"

extern "C" {
#include "miscadmin.h"
#include "port.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
}

namespace listguard::pg {

namespace {

struct RoleNonce {
    Oid role; // the key
    int64 nonce;
};

HTAB* nonces = nullptr;

RoleNonce* entry_for(Oid role, bool create)
{
    if (nonces == nullptr) {
        if (!create)
            return nullptr;
        HASHCTL ctl;
        memset(&ctl, 0, sizeof ctl);
        ctl.keysize = sizeof(Oid);
        ctl.entrysize = sizeof(RoleNonce);
        ctl.hcxt = TopMemoryContext;
        nonces = hash_create("listguard fresh nonces", 16, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    }
    bool found;
    auto* entry = static_cast<RoleNonce*>(hash_search(nonces, &role, create ? HASH_ENTER : HASH_FIND, &found));
    if (entry != nullptr && create && !found)
        entry->nonce = 0;
    return entry;
}

} // namespace

int64 fresh_nonce()
{
    RoleNonce* entry = entry_for(GetUserId(), true);
    while (entry->nonce == 0)
        if (!pg_strong_random(&entry->nonce, sizeof entry->nonce))
            ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("could not generate random bytes")));
    return entry->nonce;
}

bool is_fresh(int64 value_nonce)
{
    if (value_nonce == 0)
        return false;
    RoleNonce* entry = entry_for(GetUserId(), false);
    return entry != nullptr && entry->nonce == value_nonce;
}

} // namespace listguard::pg
