// The nonce that makes an address fresh: the input function seals every
// address it reads with the current transaction's nonce (see
// sealed::fresh_nonce_of), so that within that transaction the address,
// which the role supplied itself, may take any stamp, while an unstamped
// value stored earlier (before protect(), in an unprotected table, in a
// dump) belongs to no account and moves only for roles with clear access to
// every account.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// The current transaction's nonce, made on first use.
int64 fresh_nonce();

// True if the value was made fresh in the current transaction.
bool is_fresh(int64 nonce);

// The transaction ended: the next one gets a new nonce.
void forget_fresh_nonce() noexcept;

} // namespace listguard::pg
