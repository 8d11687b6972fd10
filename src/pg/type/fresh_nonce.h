// The nonce that makes an address fresh: the input function seals every
// address it reads with the current role's nonce in this backend (see
// sealed::fresh_nonce_of), so that the address, which that role supplied
// itself, may take any stamp, while a value stored earlier (before
// protect(), in an unprotected table, in a dump) belongs to no account and
// moves only for roles with clear access to every account.
//
// Per role, not per transaction: a statement a driver prepared (or a plan
// PostgreSQL cached) keeps the literal's value from the transaction that
// planned it, and must behave the same on every run. Per role, not per
// backend: roles that share a backend behind a pooler (SET ROLE) must not
// take each other's values for their own.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// The current role's nonce in this backend, made on first use.
int64 fresh_nonce();

// True if the value was made fresh by the current role in this backend.
bool is_fresh(int64 nonce);

} // namespace listguard::pg
