// Citus, when the server preloads it: what listguard asks of it. Its
// functions are found by name in its library (Citus 11 to 13 export them
// with these signatures); without Citus every answer is "no".
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// Citus's library is loaded in this process.
bool citus_loaded();

// Citus is loaded and its extension exists in this database. Always false
// in listguard's own background workers (below).
bool citus_active();

// Called first thing by listguard's background workers: Citus sets up no
// state of its own in them, so nothing of Citus's may be called there
// (citus_is_worker() reads the catalog instead).
void avoid_citus_calls() noexcept;

// This node is a worker of a Citus cluster (its group is not the
// coordinator's, 0).
bool citus_is_worker();

// The same, read from the catalog only, calling nothing of Citus's (for
// listguard's background workers, where Citus sets up no backend state).
// In a transaction.
bool citus_is_worker_by_catalog();

// The Citus group id of this node (0: the coordinator, or no Citus).
int32 citus_group_id();

// For a shard of a Citus table placed on this node: that table (on a
// worker, its shell); InvalidOid for any other relation.
Oid citus_table_of_shard(Oid relid);

// Whether name is `expected`, or, on a shard, what Citus makes of it there
// (expected_<shard id>: the names of triggers and policies on shards).
bool is_name_on_shard(const char* name, const char* expected, Oid relid);

// What Citus makes of a trigger or policy name on relid: name_<shard id> on
// a shard, else name (palloc'd or name itself).
const char* name_on_shard(const char* name, Oid relid);

// A Citus table (distributed, reference or Citus-managed local).
bool citus_is_table(Oid relid);

// Whether fn (a PGFunction, or any function address) is in Citus's library.
bool citus_owns_address(const void* address);

// The Citus global process id of this backend (Citus puts it in the
// application_name of the connections it opens); 0 without Citus.
uint64 citus_global_pid();

// Runs command on every other node with Citus metadata, as user, in this
// transaction: committed on them when it commits here (two-phase commit),
// and the statement fails if a node cannot be reached. Superusers only
// (Citus's citus_internal.execute_command_on_remote_nodes_as_user).
void citus_run_on_other_nodes(const char* command, const char* user);

// listguard's catalog changed in this transaction (grants, protections,
// canaries): the coordinator sends it to the other nodes before it
// commits (pg/replica/citus_catalog.h).
void note_catalog_change() noexcept;
bool catalog_change_pending() noexcept;
void forget_catalog_change() noexcept;

} // namespace listguard::pg
