-- listguard 0.2.0 -> 0.3.0. Run by ALTER EXTENSION listguard UPDATE, in
-- each database, after the 0.3.0 library is installed and the server
-- restarted.
\echo Use "ALTER EXTENSION listguard UPDATE TO '0.3.0'" to load this file. \quit

-- Dumps carry the audit chain's head, sealed, so that a restore proves it
-- holds the whole history; the writer fills it at its next append.
#include "audit/audit_heads_guard/0.3.0.sql"
#include "audit/audit_heads/0.3.0.sql"
#include "audit/accept_restored_history/0.3.0.sql"
#include "audit/_accept_restored_history/0.3.0.sql"

-- Citus (docs/citus.md): the catalog on every node, protect() of Citus tables.
#include "replica/_citus_catalog/0.3.0.sql"
#include "replica/_citus_apply_catalog/0.3.0.sql"
#include "replica/_citus_push_catalog/0.3.0.sql"
#include "citus/_citus_table/0.3.0.sql"
#include "citus/_run_on_other_nodes/0.3.0.sql"
#include "citus/_stamp_local_shards/0.3.0.sql"
#include "citus/_citus_stamp/0.3.0.sql"
#replace "protect/_protect/0.3.0.sql"
