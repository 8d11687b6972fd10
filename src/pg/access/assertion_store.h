// The jti of every assertion listguard.act_as() accepted, remembered until
// the assertion expires, in shared memory: one table for the whole server,
// so that an assertion is used once, whichever session, database or
// subtransaction shows it again (nothing here is transactional: a rolled
// back act_as() has used its assertion).
//
// Shared memory does not survive a restart, so the server also keeps a
// floor: assertions issued before it (their iat) are refused. It is the
// time the memory was set up (a start, or a restart after a crash) plus
// listguard.assertion_leeway (an accepted assertion's iat may lie that far
// ahead), so an assertion accepted before a crash is never accepted again
// after it. A server that began as a standby or in recovery (a restored
// backup) raises the floor again at the first act_as() once it is a primary:
// what its former primary accepted is not in its memory.
#pragma once

#include "pg/base/postgres_c.h"

#include "core/access/assertion.h"

namespace listguard::pg {

enum class ReplayCheck {
    Fresh,    // not seen before: now remembered until it expires
    Replayed, // seen before, and not yet expired
    Full,     // listguard.max_assertions unexpired assertions are remembered
};

// now and expires: microseconds since the Unix epoch.
ReplayCheck remember_assertion(const ReplayKey& key, int64 expires, int64 now);

// The floor (microseconds since the Unix epoch) for an assertion checked
// now; raised first if the server is a primary that began in recovery.
int64 assertion_floor(int64 now);

// Unexpired assertions remembered now.
int64 remembered_assertions(int64 now);

Size assertion_store_shared_size();
void attach_assertion_store_shared();

} // namespace listguard::pg
