#include "pg/canary/reveals.h"

#include "pg/base/guard.h"
#include "pg/canary/registry.h"
#include "pg/keys/keyring.h"

#include "core/email/sealed_email.h"

extern "C" {
#include "miscadmin.h"
#include "utils/acl.h"
}

namespace listguard::pg {

int64 own_canary_id_of(const uint8* value, size_t size)
{
    Canary canary;
    if (!find_canary(sealed::digest_of(value), &canary))
        return 0;
    if (!is_member_of_role_nosuper(GetUserId(), canary.role) &&
        !is_member_of_role_nosuper(GetSessionUserId(), canary.role))
        return 0;
    ensure_keyring();
    return guarded([&] { return keyring().email().is_canary(value, size); }) ? canary.id : 0;
}

} // namespace listguard::pg
