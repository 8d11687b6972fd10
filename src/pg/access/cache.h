// The per-backend cache of access decisions, keyed by (role, account, list).
//
// A decision is computed from the role's grants (read from listguard.grants,
// including grants to roles it inherits from, with the latest committed
// state) on first use and kept until access changes in any session (grants,
// role memberships: pg/access/generation.h, checked before every decision)
// or the earliest expiry among the grants that shaped it passes (checked
// against the clock). A one-entry memo makes runs of values from one list
// cost a comparison.
#pragma once

#include "pg/base/postgres_c.h"

#include "core/access/decision.h"

namespace listguard::pg {

// without_principal: the session acts for no principal, so grants that
// need one (Grant::needs_principal) only read rows, masked.
Access access_for(Oid role, Stamp scope, bool without_principal = false);

// access_for() without copying the decision: the cached one itself, valid
// until the cache next changes, so copy what is needed at once (every value
// shown asks: copying a returned Access again cost more than the lookup).
const Access& cached_access_for(Oid role, Stamp scope, bool without_principal = false);

// True if grant_id is one of the grants that apply to role.
bool role_has_grant(Oid role, int64 grant_id);

// True if one of the grants that apply to role covers every account with
// at least the given reveal level (and is valid now, from this client).
bool role_has_unscoped_grant(Oid role, RevealLevel at_least);

// True if role may read rows of every scope (account and list): one of its
// grants covers every account and every list. Reading does not expire and
// does not depend on the client's network (decide() lets such grants read,
// masked), so only a change of grants or memberships can make it false.
bool role_reads_every_scope(Oid role);

// The state cached decisions were made in: the cluster's access generation
// as this backend took it in, and this backend's resets of the cache (its
// own changes, invalidations). A decision derived from the cache holds while
// access_unchanged_since() is true: one atomic read and two comparisons.
struct AccessMark {
    uint64 generation = 0;
    uint64 epoch = 0;
};
// Takes in changes first. A mark of 0 (no shared memory) is never unchanged.
AccessMark access_mark();
bool access_unchanged_since(const AccessMark& mark) noexcept;

// The range of accounts whose rows access_for() may let role read (or
// write): core/access/decision.h's account_range() over its grants.
AccountRange account_range_for(Oid role, bool write);

// Forgets every cached decision (for tests and invalidation).
void reset_access_cache() noexcept;

} // namespace listguard::pg
