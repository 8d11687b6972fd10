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

-- listguard_monitor is new: _setup_roles() runs again and makes it (a role
-- of that name that listguard did not create is refused, as at CREATE
-- EXTENSION, unless listguard.adopt_existing_roles is on).
#replace "access/_setup_roles/0.3.0.sql"

-- Monitors see every quota, and read metrics, progress and the audit log
-- without its addresses.
#include "quota/current_role_is_monitor/0.3.0.sql"
#replace "quota/quota_usage/0.3.0.sql"
#include "monitor/_redact/0.3.0.sql"
#include "monitor/_has_address/0.3.0.sql"
#include "monitor/_metrics/0.3.0.sql"
#include "monitor/metrics/0.3.0.sql"
#include "monitor/_progress/0.3.0.sql"
#include "monitor/progress/0.3.0.sql"
#include "monitor/audit_events/0.3.0.sql"
