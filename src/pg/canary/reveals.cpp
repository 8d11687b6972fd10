#include "pg/canary/reveals.h"

#include "pg/canary/registry.h"

#include "core/email/sealed_email.h"

namespace listguard::pg {

int64 canary_id_of(const uint8* value)
{
    Canary canary;
    if (!sealed::is_canary(value) || !find_canary(sealed::digest_of(value), &canary))
        return 0;
    return canary.id;
}

} // namespace listguard::pg
