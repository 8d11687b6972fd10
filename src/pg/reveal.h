// How much of an address the current role sees. Decided per value, for the
// current role (current_user: SECURITY DEFINER functions act with their
// owner's rights) and the value's own stamp, in every function that lets an
// address out of the type (output, send, the cast to text).
#pragma once

#include "postgres_c.h"

#include "reveal_level.h"
#include "sealed_email.h"

namespace listguard::pg {

struct RevealDecision {
    RevealLevel level = RevealLevel::Masked;
    int64 grant_id = 0; // the grant that authorises a clear reveal
};

// May ereport (a dump that would hold masks or pseudonyms is refused). Call
// outside guarded().
RevealDecision reveal_for(Stamp stamp);

} // namespace listguard::pg
