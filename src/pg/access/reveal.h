// How much of an address the current role sees. Decided per value, for the
// current role (current_user: SECURITY DEFINER functions act with their
// owner's rights) and the value's own stamp, in every function that lets an
// address out of the type (output, send, the cast to text).
#pragma once

#include "pg/base/postgres_c.h"

#include "core/access/decision.h"
#include "core/access/reveal_level.h"
#include "core/email/sealed_email.h"

namespace listguard::pg {

struct RevealDecision {
    RevealLevel level = RevealLevel::Masked;
    Grant grant; // the grant that authorises it (id 0: none)
    // With a principal in force (pg/access/principals.h): the principal's
    // grant that authorises it too, charged beside `grant` (id 0: none).
    Grant principal_grant;
    // ... and, when the current role is not the principal's application, the
    // application's grant, charged too (id 0: none).
    Grant application_grant;
};

// May ereport (a dump that would hold masks or pseudonyms is refused). Call
// outside guarded().
RevealDecision reveal_for(Stamp stamp);

// Is this session a dump (core/access/dump_session.h)? A dump gets every
// value or an error, never a mask.
bool in_dump_session();

// Is this a dump session of a member of listguard_backup? Then every row of
// every protected table may be read, every value sealed (and nothing else:
// outside dumps the role has no right of its own).
bool reads_as_backup(Oid role);

} // namespace listguard::pg
