-- listguard 0.2.0 -> 0.3.0. Run by ALTER EXTENSION listguard UPDATE, in
-- each database, after the 0.3.0 library is installed and the server
-- restarted.
\echo Use "ALTER EXTENSION listguard UPDATE TO '0.3.0'" to load this file. \quit

-- listguard_backup and listguard_monitor are new (_setup_roles() makes
-- them; a role of either name that listguard did not create is refused, as
-- at CREATE EXTENSION, unless listguard.adopt_existing_roles is on).
-- listguard_backup: backup logins read every protected row, sealed, in
-- dumps (and listguard's own tables, which a dump holds).
#replace "access/_setup_roles/0.3.0.sql"
GRANT SELECT ON grants, protected_tables, audit_log, requests, request_approvals, canaries TO listguard_backup;
GRANT SELECT ON SEQUENCE grants_id_seq, requests_id_seq, canaries_id_seq TO listguard_backup;

-- Dumps carry the audit chain's head, sealed, so that a restore proves it
-- holds the whole history; the writer fills it at its next append.
#include "audit/audit_heads_guard/0.3.0.sql"
#include "audit/audit_heads/0.3.0.sql"
#include "audit/accept_restored_history/0.3.0.sql"
#include "audit/_accept_restored_history/0.3.0.sql"

-- Lookups that compare an address's text use the type's equality instead
-- (no reveal, no quota, the index); the cast to text is volatile, so that
-- a sort or a limit runs before it.
#include "type/_address_or_null/0.3.0.sql"
#replace "type/email_to_text/0.3.0.sql"
#replace "protect/_untrusted_code/0.3.0.sql"

-- protect() takes over the sequences a protected table's defaults draw
-- from (a partition's default draws from its parent's), and records it.
#include "protect/_record_protection_event/0.3.0.sql"
#include "protect/_restrict_sequence/0.3.0.sql"
#include "protect/_take_over_sequences/0.3.0.sql"
#include "protect/_backup_reads/0.3.0.sql"
#replace "protect/_protect_one/0.3.0.sql"
#replace "protect/_unprotect/0.3.0.sql"
-- Tables protected before 0.3.0: their backups read them too.
SELECT _backup_reads(relid, true) FROM protected_tables;
#replace "protect/_protect/0.3.0.sql"
#replace "protect/_protect_child/0.3.0.sql"

-- An UPDATE may write back the mask or pseudonym its role was shown: the
-- value stays as it was.
#include "output/_written_back/0.3.0.sql"

-- Row policies the planner can use: can_read() and can_write() get a
-- planner support function that puts the account argument's range in front
-- of them as an index condition (issue 24).
#include "access/_scope_support/0.3.0.sql"
#include "access/_first_account/0.3.0.sql"
#include "access/_last_account/0.3.0.sql"
#replace "access/can_read/0.3.0.sql"
#replace "access/can_write/0.3.0.sql"
#replace "canary/can_read/0.3.0.sql"
#replace "canary/can_write/0.3.0.sql"

-- A grant is refused while its grantee (or a member) holds a stored
-- setting that decides what its sessions run (ALTER ROLE ... SET
-- search_path, say), which a CREATEROLE role may have put there.
-- (_make_grant, with the principals below, checks them.)
#include "access/_check_role_settings/0.3.0.sql"

-- An access request's duration is a length of time (a month 30 days, a day
-- 24 hours), whatever the calendar or the requester's time zone; an
-- application acting for a principal asks for the principal
-- (access/_request_access, with the principals below).

-- Principals: application users, granted like roles (a grant goes to a role
-- or to a principal), and the applications that act for them with signed
-- assertions.
#include "access/application_users/0.3.0.sql"
#include "access/applications/0.3.0.sql"
#include "access/application_keys/0.3.0.sql"
ALTER TABLE grants ALTER COLUMN grantee DROP NOT NULL, ADD COLUMN principal bigint,
    ADD CONSTRAINT grants_grantee_or_principal CHECK ((grantee IS NULL) <> (principal IS NULL));
CREATE INDEX grants_principal ON grants (principal) WHERE principal IS NOT NULL;
ALTER TABLE requests ALTER COLUMN grantee DROP NOT NULL, ADD COLUMN principal bigint,
    ADD CONSTRAINT requests_grantee_or_principal CHECK ((grantee IS NULL) <> (principal IS NULL));
#include "access/principals/0.3.0.sql"
#include "access/create_principal/0.3.0.sql"
#include "access/_create_principal/0.3.0.sql"
#include "access/drop_principal/0.3.0.sql"
#include "access/_drop_principal/0.3.0.sql"
#include "access/_application_key/0.3.0.sql"
#include "access/add_application/0.3.0.sql"
#include "access/_add_application/0.3.0.sql"
#include "access/drop_application/0.3.0.sql"
#include "access/_drop_application/0.3.0.sql"
#include "access/act_as/0.3.0.sql"
#include "access/end_principal/0.3.0.sql"
#include "access/current_principal/0.3.0.sql"
#include "access/_remembered_assertions/0.3.0.sql"
-- New arguments (a principal) or result columns: dropped and made again.
DROP FUNCTION grant_access(regrole, bigint, bigint, text, boolean, text, timestamptz, cidr[], text, text, boolean);
DROP FUNCTION _grant_access(regrole, bigint, bigint, text, boolean, text, timestamptz, cidr[], text, text, boolean);
DROP FUNCTION _make_grant(regrole, bigint, bigint, text, boolean, text, timestamptz, cidr[], text, text, regrole, bigint, boolean, boolean);
#include "access/grant_access/0.3.0.sql"
#include "access/_make_grant/0.3.0.sql"
#include "access/_grant_access/0.3.0.sql"
DROP FUNCTION explain_access(regrole);
DROP FUNCTION _explain_access(regrole);
#include "access/explain_access/0.3.0.sql"
#include "access/_explain_access/0.3.0.sql"
DROP FUNCTION audit_for(text);
DROP FUNCTION _audit_for(text);
#include "audit/audit_for/0.3.0.sql"
#include "audit/_audit_for/0.3.0.sql"
#replace "access/_request_access/0.3.0.sql"
#replace "access/_approve/0.3.0.sql"
#replace "access/_request_opened/0.3.0.sql"
#replace "access/access_requests/0.3.0.sql"
-- Canaries of principals: seen by their principal alone (canaries.principal
-- names the person).
ALTER TABLE canaries ADD COLUMN principal bigint;
#include "canary/plant_principal_canaries/0.3.0.sql"
#include "canary/_quiet_planting/0.3.0.sql"
#include "canary/_refuse_list_code/0.3.0.sql"
#include "canary/_count_planted_row/0.3.0.sql"
#include "canary/_plant_principal_canaries/0.3.0.sql"

-- Monitors see every quota, and read metrics, progress and the audit log
-- without its addresses.
#include "quota/current_role_is_monitor/0.3.0.sql"

#include "monitor/_redact/0.3.0.sql"
#include "monitor/_has_address/0.3.0.sql"
-- quota_usage names make_interval's exact argument type (schema-qualified),
-- has a principal column (principals above) and shows monitors every quota.
#replace "quota/quota_usage/0.3.0.sql"
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
#include "archive/archive_audit/0.3.0.sql"
#include "archive/_archive_audit/0.3.0.sql"
#include "archive/verify_audit_archive/0.3.0.sql"
#include "archive/_verify_audit_archive/0.3.0.sql"
#include "archive/read_audit_archive/0.3.0.sql"
#include "archive/_read_audit_archive/0.3.0.sql"

-- Citus (docs/citus.md): the catalog on every node, protect() of Citus tables.
#include "replica/catalog_generation/0.3.0.sql"
#include "replica/_transit_token/0.3.0.sql"
#include "replica/_citus_catalog/0.3.0.sql"
#include "replica/_citus_apply_catalog/0.3.0.sql"
#include "replica/_citus_push_catalog/0.3.0.sql"
#include "citus/_citus_table/0.3.0.sql"
#include "citus/_citus_stamped/0.3.0.sql"
#include "citus/_citus_unstamped/0.3.0.sql"
#include "citus/_citus_stamp/0.3.0.sql"
#replace "protect/_drop_protection/0.3.0.sql"
#replace "protect/_stamp_plan/0.3.0.sql"
#replace "protect/stamp_trigger/0.3.0.sql"
#replace "audit/audit_statement_trigger/0.3.0.sql"
#replace "audit/audit_row_trigger/0.3.0.sql"

-- Leak attribution (issue 27). Canaries get a slot, a number among those of
-- their account, by which the sealed record of every clear_reveal event
-- notes each canary read (however many), and the keyed digests of their
-- loose form and domain, which trace_leak() and report_canary_hit() match
-- without opening an address. Reveal summaries (what each role read in
-- clear, per day) are kept from now on.
#include "canary/_domain_digest_of/0.3.0.sql"
ALTER TABLE canaries ADD COLUMN slot integer, ADD COLUMN loose_digest bytea, ADD COLUMN domain_digest bytea;
UPDATE canaries c SET loose_digest = _loose_digest_of(c.address), domain_digest = _domain_digest_of(c.address);
UPDATE canaries c SET slot = s.n
FROM (SELECT k.id, (row_number() OVER (PARTITION BY k.account ORDER BY k.planted_at, k.id) - 1)::integer AS n
      FROM canaries k WHERE k.role IS NOT NULL) s
WHERE s.id = c.id;
CREATE UNIQUE INDEX canaries_slot ON canaries (account, slot) WHERE slot IS NOT NULL;
CREATE INDEX canaries_loose_digest ON canaries (loose_digest);
#include "canary/reveal_summaries/0.3.0.sql"
#include "canary/reveal_summaries_since/0.3.0.sql"
-- Records of listguard 0.2 are still opened (by id), by the new function.
DROP FUNCTION _canary_reveal_count(text, bigint);
#include "canary/_canary_in_record/0.3.0.sql"
#include "canary/_revealed_by/0.3.0.sql"
#include "canary/_next_canary_slot/0.3.0.sql"
#replace "canary/_add_canary_addresses/0.3.0.sql"
-- Canary rows are made like the list's own: names that fit the address,
-- other columns drawn one by one, the domains of the list's own shares.
DROP FUNCTION _take_canary_address(regclass, name, text, text[]);
#include "canary/_local_part_template/0.3.0.sql"
#include "canary/_local_part_from_template/0.3.0.sql"
#include "canary/_names_for_local_part/0.3.0.sql"
#include "canary/_canary_address/0.3.0.sql"
#replace "canary/_plant_canaries/0.3.0.sql"
-- Canaries planned over a period and planted one at a time.
#include "canary/canary_plans/0.3.0.sql"
#include "canary/plan_canaries/0.3.0.sql"
#include "canary/plant_due_canaries/0.3.0.sql"
#include "canary/_plan_canaries/0.3.0.sql"
#include "canary/_plant_due_canaries/0.3.0.sql"
#replace "canary/_remove_canaries/0.3.0.sql"
#replace "canary/_canary_reveals/0.3.0.sql"
#include "canary/_canary_seers/0.3.0.sql"
#include "canary/_reveals_complete/0.3.0.sql"
#replace "canary/_trace/0.3.0.sql"
-- trace_leak() and report_canary_hit() return more: who could have seen a
-- canary, what it read, and the odds.
DROP FUNCTION trace_leak(text[]);
DROP FUNCTION _trace_leak(text[]);
#include "canary/_trace_leak/0.3.0.sql"
#include "canary/trace_leak/0.3.0.sql"
DROP FUNCTION report_canary_hit(text, timestamptz, text);
DROP FUNCTION _report_canary_hit(text, timestamptz, text);
#include "canary/_report_canary_hit/0.3.0.sql"
#include "canary/report_canary_hit/0.3.0.sql"
