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
    Oid role;     // the role it was planted for
    int64 account;
    int64 list;
};

// Is there a planted canary (removed or not) with this address digest
// (sealed::kDigestSize octets)? If so it is copied to *canary. Cheap when
// the database has none.
bool find_canary(const uint8* digest, Canary* canary);

// May the current role see the row holding this canary (account and list
// are the row's)? Its own role and its members (inheriting or not) may, as
// current user or as the session's login whatever role it set, and senders
// (grant_access(..., sends => true)) covering the row's scope.
bool canary_visible_to(Oid role, const Canary& canary, int64 account, int64 list);

// May role see a row holding this address (a stored listguard.email)? Yes
// unless the value is a canary (its address is one, and it carries the
// encrypted mark sealed::kCanaryMark that only plant_canaries() sets) of
// another role, in whichever list its copy now is. The row policies of every
// protected table ask it for every row: an address that is no canary costs a
// bit test, and an address typed in by a role never has the mark.
bool row_visible(Oid role, struct varlena* address);

// Should a value written by the current role carry the canary mark it lacks?
// Yes when its address is a canary of the current role (or of a role it is
// a member of, or of the session's login): its role cannot turn a canary into
// an ordinary row by writing its address again.
bool own_canary_address(const uint8* value);

void forget_canaries() noexcept;

} // namespace listguard::pg
