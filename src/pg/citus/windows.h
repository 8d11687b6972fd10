// Where the hooks (pg/module/hooks.cpp) put values in transit for Citus
// (pg/citus/transit.h says when, and why).
#pragma once

#include "pg/base/postgres_c.h"

extern "C" {
#include "executor/execdesc.h"
#include "optimizer/planner.h"
#include "tcop/dest.h"
}

namespace listguard::pg {

// The planner: Citus writes the constants of the queries it will send.
PlannedStmt* plan_for_citus(Query* parse, const char* query, int options, ParamListInfo params, planner_hook_type next);

// Whether a plan has Citus scans (ExecutorStart runs them in transit).
bool is_citus_plan(const PlannedStmt* stmt);

// After ExecutorStart of a Citus plan: its scans run in transit.
void citus_scans_in_transit(QueryDesc* query);

// ExecutorRun: the receiver that takes the run's rows, wrapped so that
// values go out in transit (nullptr: nothing to change). The run itself is
// out of transit: its expressions are a query's, even one Citus runs in
// this backend (local execution) or a function's SPI query.
DestReceiver* receiver_for_run(QueryDesc* query);

// Whether a utility statement runs in transit: COPY into a Citus table,
// and DDL that Citus sends on to other nodes.
bool utility_in_transit(Node* stmt);

// Citus sends the policies of its tables to their shards without AS
// RESTRICTIVE (its deparser leaves it out): listguard's restrictive
// policies would become permissive there and let every row through. A
// CREATE POLICY of one of them on a shard or a worker is made restrictive
// again (it only narrows). Returns the statement to run (a copy if changed
// and *read_only_tree).
PlannedStmt* restrictive_policies_for_citus(PlannedStmt* pstmt, bool* read_only_tree);

// Citus's C functions run in transit (create_distributed_table copies
// rows, a worker writes intermediate results, ...).
void install_citus_function_hooks();

} // namespace listguard::pg
