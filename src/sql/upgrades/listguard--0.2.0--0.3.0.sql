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

-- protect() of a table in use: it takes the lock in short tries, stamps what
-- it can while it holds it (listguard.protect_stamp_budget) and queues the
-- rest, which the maintenance worker stamps in the background ('online',
-- the new default); stamp_existing(), reseal_existing() and the others say
-- where they stand in listguard.progress, and in a NOTICE at most every 10 s.
#include "activity/_note_progress/0.3.0.sql"
#include "protect/_stamp_queue_guard/0.3.0.sql"
#include "protect/stamp_queue/0.3.0.sql"
#include "protect/_request_background_stamping/0.3.0.sql"
#include "protect/_lock_exclusively/0.3.0.sql"
#replace "protect/protect/0.3.0.sql"
#replace "protect/_protect/0.3.0.sql"
#replace "protect/_drop_protection/0.3.0.sql"
#replace "protect/stamp_existing/0.3.0.sql"
#replace "keys/reseal_existing/0.3.0.sql"
#replace "keys/_key_usage/0.3.0.sql"
#replace "keys/_retire_key/0.3.0.sql"

-- Retention of the audit trail: archive_audit() moves old events into
-- sealed segment files (listguard.audit_archive_directory), recorded in
-- audit_archives; what archived events said of canaries is kept for
-- trace() and report_canary_hit().
#include "archive/_archive_guard/0.3.0.sql"
#include "archive/audit_archives/0.3.0.sql"
#include "archive/canary_reveal_history/0.3.0.sql"
#include "canary/_canary_reveal_ids/0.3.0.sql"
#include "archive/archive_audit/0.3.0.sql"
#include "archive/_archive_audit/0.3.0.sql"
#include "archive/verify_audit_archive/0.3.0.sql"
#include "archive/_verify_audit_archive/0.3.0.sql"
#include "archive/read_audit_archive/0.3.0.sql"
#include "archive/_read_audit_archive/0.3.0.sql"
#replace "canary/_canary_reveals/0.3.0.sql"
#replace "canary/_report_canary_hit/0.3.0.sql"
