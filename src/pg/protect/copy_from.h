// COPY FROM into a protected table, for a role under its row security
// (issue 24). PostgreSQL refuses COPY FROM under row security, because COPY
// does not run the policies' WITH CHECK. listguard's insert policy is one
// check per row, which listguard makes here exactly as the policy would:
// into a plain table whose only BEFORE ROW INSERT trigger is listguard's,
// listguard checks and stamps each row itself as COPY reads it and inserts
// the rows in batches (as PostgreSQL's COPY does without row triggers);
// otherwise the stamping trigger (BEFORE ROW, fired for every row COPY
// inserts, partitions included) does it. Each row is checked against the
// role's grants and stamped, and a row outside them stops the COPY with an
// error that names its line, never its address. What listguard cannot check as an INSERT would (a policy of
// the table's own, a BEFORE ROW trigger that would run after the stamping,
// COPY ... WHERE, triggers switched off by session_replication_role) makes
// the COPY refuse to start, with a hint.
#pragma once

#include "pg/base/postgres_c.h"
#include "pg/protect/protection.h"

extern "C" {
#include "nodes/parsenodes.h"
#include "tcop/cmdtag.h"
#include "utils/queryenvironment.h"
#include "utils/relcache.h"
}

namespace listguard::pg {

// Runs a COPY FROM into a protected table the current role is under row
// security for, and returns true; false for any other statement (left to
// PostgreSQL). With another library's utility hook inside listguard's
// (listed before it in shared_preload_libraries), refuses instead: that
// library would never see the COPY, and may depend on having seen it
// (pgaudit's permission-check hook crashed on it).
bool run_protected_copy_from(Node* stmt, const char* query, QueryEnvironment* env, QueryCompletion* qc,
                             bool inner_utility_hook);

// In the stamping trigger: is this row one a protected COPY inserts? Then
// the trigger checks it as the insert policy would (and counts it).
bool in_protected_copy(Relation rel) noexcept;
void count_checked_copy_row() noexcept;

// What the stamping trigger does to a row a protected COPY inserts, done to
// the row's values before it is formed (pg/protect/stamp_trigger.cpp): the
// insert policy's check, every listguard.email value stamped with the row's
// scope (values[] then holds the stamped values, allocated in the current
// memory context), the row counted for the statement's audit event. The
// batched COPY calls it for every row, in place of the trigger.
void check_and_stamp_copied_row(Relation rel, const Protection& protection, Datum* values, bool* nulls);

} // namespace listguard::pg
