// Row policies that cost nothing for a role that reads every row.
//
// listguard's read policy, can_read(account, list[, address]), is called
// for every row a scan reads, and reading the account, list and address
// of each row means touching each tuple: a count(*) under the policy costs
// twice a count(*) without it. When the current role's grants cover every
// account and every list (read access never expires: core/access/decision.h),
// the database has no canary, no principal is in force (its grants narrow
// the role's) and the account and list columns are NOT NULL, the function
// is true for every row, so the scan need not call it.
//
// After the executor starts, each scan of a table whose filter holds the
// policy gets a filter that checks, for each row, that this still holds
// (the same role, no access change anywhere since it was decided: one
// atomic read) and then evaluates only the rest of the filter, in its
// order; otherwise it evaluates the whole filter as planned. A revocation,
// a canary planted or a role switched mid-statement is seen at the next row,
// as can_read() would see it.
#pragma once

#include "pg/base/postgres_c.h"

extern "C" {
#include "executor/execdesc.h"
}

namespace listguard::pg {

// After standard_ExecutorStart: gives the scans of the plan their shortcut.
void shortcut_row_policies(QueryDesc* query);

} // namespace listguard::pg
