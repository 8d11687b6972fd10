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

Access access_for(Oid role, Stamp scope);

// True if grant_id is one of the grants that apply to role.
bool role_has_grant(Oid role, int64 grant_id);

// True if one of the grants that apply to role covers every account with
// at least the given reveal level (and is valid now, from this client).
bool role_has_unscoped_grant(Oid role, RevealLevel at_least);

// The range of accounts whose rows access_for() may let role read (or
// write): core/access/decision.h's account_range() over its grants.
AccountRange account_range_for(Oid role, bool write);

// Forgets every cached decision (for tests and invalidation).
void reset_access_cache() noexcept;

} // namespace listguard::pg
