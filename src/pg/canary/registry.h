// The canaries planted in this database, as each backend knows them: a
// table from the keyed digest of a canary's address to whom it was planted
// for, read from listguard.canaries on first use and forgotten whenever
// that table changes (its trigger sends a relcache invalidation).
#pragma once

#include "pg/base/postgres_c.h"

#include "core/email/sealed_email.h"

namespace listguard::pg {

struct Canary {
    int64 id;
    Oid role; // the role it was planted for (for a principal: its application)
    int64 account;
    int64 list;
    int32 slot; // its number among its account's canaries (-1: none yet)
};

// Is there a planted canary (removed or not) with this address digest
// (sealed::kDigestSize octets)? If so it is copied to *canary. Cheap when
// the database has none.
bool find_canary(const uint8* digest, Canary* canary);

// Has a canary ever been planted in this database (removed ones count)?
// If not, no value is one, and the row policies need not look at it.
bool any_canaries();

// May the current role see a row holding this address (a stored
// listguard.email)? Yes unless the value is a canary (its address is one,
// and it carries the encrypted mark sealed::kCanaryMark that only
// plant_canaries() sets) of another role, in whichever list its copy now is.
// Its role sees it, and the role's members (inheriting or not), as current
// user or as the session's login whatever role it set; so do senders
// (grant_access(..., sends => true)) covering the value's list. The row
// policies of every protected table ask it for every row: an address that
// is no canary costs a bit test.
bool row_visible(struct varlena* address);

// Is this value's address one of the current role's own canaries (as
// row_visible() counts a role's own)? Then a write of it carries the mark:
// its role cannot turn a canary into an ordinary row by writing its address
// again.
bool own_canary_address(const uint8* value);

// The canary a stored value is, if it is the current role's own (marked,
// and its role's as own_canary_address() says): for the sealed record of the
// statement's clear_reveal event. What a sender or anyone else reads of it
// says nothing of its role.
bool own_canary_of(const uint8* value, size_t size, Canary* canary);

void forget_canaries() noexcept;

} // namespace listguard::pg
