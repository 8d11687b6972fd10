// An UPDATE of one table's rows in a range of blocks, as listguard's own
// batch jobs run it (stamping rows already there, re-sealing under a new
// key): the table's triggers off (session_replication_role = replica: no
// row is a change an admin made), its own code (constraints, index
// expressions, vetted by protect()) run in a security-restricted operation,
// every setting pinned and undone afterwards.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// UPDATE ONLY table SET sets WHERE its ctid is in blocks [from, to) AND
// (condition); as `as_user` (InvalidOid: the current user). Returns the
// rows updated; `what` names the job in an error.
int64 update_blocks(const char* table, const char* sets, int64 from, int64 to, const char* condition, Oid as_user,
                    const char* what);

} // namespace listguard::pg
