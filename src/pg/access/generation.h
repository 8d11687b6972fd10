// A cluster-wide count of changes that can take access away: grants
// (revoked, changed, made by an approval), protections, canaries, role
// memberships and role attributes. A changing transaction bumps it once it
// has committed; every backend compares it with the count its cached
// decisions were made at before each value it shows or lets through, and
// on a difference reads the latest committed state again. So a revocation
// takes effect for every value output after it commits (on a hot standby:
// after it is replayed there), whatever keeps a session's transaction,
// cursor, prepared statement or procedure open.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// In a transaction that changes what access someone has: the count is
// bumped when it commits (a rollback bumps nothing).
void note_access_change() noexcept;

// At the end of a transaction (after its commit is visible to others).
void access_changes_at_transaction_end(bool committed) noexcept;

// Before a decision: if access changed anywhere since this backend last
// looked, takes in the invalidations it has not processed yet, which reset
// every cache that decides access (grants, protections, canaries, role
// memberships). One atomic read when nothing changed. On a hot standby,
// where the changes arrive by WAL replay and bump no count, it takes in
// pending invalidations every time (cheap when there are none).
void take_in_access_changes();

// The count as this backend last took it in (take_in_access_changes()), and
// the count now (one atomic read; 0 without shared memory, where every
// look is a change).
uint64 seen_access_generation() noexcept;
uint64 current_access_generation() noexcept;

// In ProcessUtility, after a statement ran: role statements change
// memberships and attributes; COMMIT PREPARED may commit a change.
void note_utility_access_change(Node* stmt) noexcept;

Size access_generation_shared_size();
void attach_access_generation_shared();

} // namespace listguard::pg
