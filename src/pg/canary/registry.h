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

// Is there a live (planted, not removed) canary with this address digest
// (sealed::kDigestSize octets)? If so it is copied to *canary. Cheap when
// the database has none.
bool find_canary(const uint8* digest, Canary* canary);

// May the current role see the row holding this canary (account and list
// are the row's)? Its own role and members that receive its grants may, and
// senders (grant_access(..., sends => true)) covering the row's scope.
bool canary_visible_to(Oid role, const Canary& canary, int64 account, int64 list);

// May role see a row of this scope holding this address (a stored
// listguard.email)? Yes unless the address is, in this very list, a canary
// of another role. The row policy of tables that hold canaries asks it for
// every row: a row whose address is no canary costs a bit test.
bool row_visible(Oid role, Stamp scope, struct varlena* address);

void forget_canaries() noexcept;

} // namespace listguard::pg
