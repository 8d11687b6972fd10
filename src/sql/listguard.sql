-- listguard: sealed email addresses, grants, protected tables, export quotas
-- and the audit trail. The install script of the current version: each
-- #include line stands for the object it names (CONTRIBUTING.md).
\echo Use "CREATE EXTENSION listguard" to load this file. \quit

#include "access/_setup_roles/latest.sql"

#include "keys/_init_keyring/latest.sql"

#include "base/schema/latest.sql"

#include "type/email_shell/latest.sql"

-- Input is stable, not immutable: an address is sealed with the nonce of
-- the transaction that read it (it is fresh there, and only there), which a
-- parallel worker would not share. Output depends on the current role and
-- settings, so it is stable.
#include "type/email_in/latest.sql"
#include "type/email_out/latest.sql"
#include "type/email_recv/latest.sql"
#include "type/email_send/latest.sql"

#include "type/email/latest.sql"

-- Casts: text in, and out as the output function shows it. Text and
-- varchar convert implicitly, so that a lookup by a parameter typed text or
-- varchar (JDBC's setString, psycopg's binary parameters, node-postgres's
-- $1::text) compares as an email, by its digest, and uses the index.
#include "type/email_from_text/latest.sql"
#include "type/email_to_text/latest.sql"
#include "type/cast_text_to_email/latest.sql"
#include "type/cast_varchar_to_email/latest.sql"

-- Migrating a text column: the rows the type would refuse (read as the
-- caller), and a cast whose error names the row instead of the address.
#include "type/invalid_addresses/latest.sql"
#include "type/to_email/latest.sql"
#include "type/_address_or_null/latest.sql"
#include "output/_written_back/latest.sql"
#include "type/cast_email_to_text/latest.sql"

-- Operators live in pg_catalog so that "email = 'x'" works whatever the
-- search_path (operators are resolved through it; the type is in listguard).
-- Comparison on the keyed digest only: equality is exact, order is
-- arbitrary and says nothing about the address. None of these can fail on a
-- valid value or reveal anything but equality, hence LEAKPROOF (so that row
-- security does not stop them from using an index).
#include "type/email_eq/latest.sql"
#include "type/email_ne/latest.sql"
#include "type/email_lt/latest.sql"
#include "type/email_le/latest.sql"
#include "type/email_gt/latest.sql"
#include "type/email_ge/latest.sql"
#include "type/email_cmp/latest.sql"
#include "type/email_sortsupport/latest.sql"
#include "type/email_hash/latest.sql"
#include "type/email_hash_extended/latest.sql"

#include "type/operators/latest.sql"

#include "type/email_btree_ops/latest.sql"

#include "type/email_hash_ops/latest.sql"

-- ---------------------------------------------------------------------------
-- Access: grants, row policies, scope stamping.
-- ---------------------------------------------------------------------------

#include "access/grants_changed/latest.sql"

#include "access/grants/latest.sql"

#include "protect/protected_tables/latest.sql"

-- What the built-in policies use; DBAs may use them in their own policies.
-- Their planner support turns the account argument into an index condition.
#include "access/_scope_support/latest.sql"
#include "access/_first_account/latest.sql"
#include "access/_last_account/latest.sql"
#include "access/can_read/latest.sql"
#include "access/can_write/latest.sql"

-- The triggers protect() installs; they check that they run as those
-- triggers, and nobody else may use them.
#include "protect/stamp_trigger/latest.sql"
#include "audit/audit_statement_trigger/latest.sql"
#include "audit/audit_row_trigger/latest.sql"

#include "access/quota_parts/latest.sql"

#include "access/role_receives_grants_of/latest.sql"

#include "access/calling_role/latest.sql"

-- Administration: C gates that check the caller is an admin, then run
-- listguard._<name> (below) as the extension's owner, with search_path set to
-- pg_catalog, pg_temp.
#include "access/grant_access/latest.sql"
#include "access/revoke_access/latest.sql"
#include "protect/protect/latest.sql"
-- Stamping rows that existed before protect(), in batches of blocks of one
-- table (stamp_existing() below drives it).
#include "protect/stamp_batch/latest.sql"
#include "protect/stamp_plan/latest.sql"
#include "protect/unprotect/latest.sql"
#include "access/explain_access/latest.sql"

#include "base/_invalid/latest.sql"

#include "access/_make_grant/latest.sql"

#include "access/_grant_access/latest.sql"

#include "access/_revoke_access/latest.sql"

#include "access/_explain_access/latest.sql"

#include "access/_mark_grantee/latest.sql"
#include "access/_is_trusted_owner/latest.sql"

#include "access/_untrusted_members/latest.sql"
#include "access/_check_role_settings/latest.sql"

#include "protect/_untrusted_code/latest.sql"

#include "protect/_check_protected/latest.sql"

#include "protect/_descendants/latest.sql"

#include "protect/_record_protection_event/latest.sql"
#include "protect/_restrict_sequence/latest.sql"
#include "protect/_take_over_sequences/latest.sql"
#include "protect/_backup_reads/latest.sql"
#include "protect/_protect_one/latest.sql"

#include "protect/_unstamped/latest.sql"
#include "protect/_stamped/latest.sql"
#include "protect/_stamp_batch/latest.sql"

-- Whether a table is Citus's (its rows are in shards on other nodes).
#include "citus/_citus_table/latest.sql"
#include "protect/_stamp_plan/latest.sql"

#include "protect/_protect_triggers/latest.sql"

#include "protect/_protect/latest.sql"

#include "protect/_refuse_untrusted/latest.sql"

#include "protect/_protect_child/latest.sql"

#include "protect/_protect_detached/latest.sql"

#include "protect/_drop_protection/latest.sql"

#include "protect/_unprotect/latest.sql"

#include "protect/stamp_existing/latest.sql"

#include "protect/_on_sql_drop/latest.sql"

-- ---------------------------------------------------------------------------
-- Export quotas.
-- ---------------------------------------------------------------------------

#include "quota/_quota_state/latest.sql"
#include "quota/current_role_is_admin/latest.sql"
#include "quota/current_role_is_monitor/latest.sql"

-- (quota_usage: with the principals, below, whose names it shows)

-- ---------------------------------------------------------------------------
-- The audit trail.
-- ---------------------------------------------------------------------------

#include "audit/audit_log_modified/latest.sql"

#include "audit/audit_log/latest.sql"

#include "audit/verify_audit/latest.sql"
#include "audit/_verify_audit/latest.sql"
#include "audit/accept_restored_history/latest.sql"
#include "audit/_accept_restored_history/latest.sql"

#include "audit/audit_for/latest.sql"
#include "audit/_email_digest/latest.sql"
#include "audit/_audit_for/latest.sql"

#include "audit/audit_pending/latest.sql"

-- Keys: the keyring, rotation of seal keys, re-sealing stored values and
-- retiring old keys. The index key (digests, pseudonyms, audit chain)
-- never changes; seal keys only encrypt.
#include "keys/keys/latest.sql"
#include "keys/add_key/latest.sql"
#include "keys/use_key/latest.sql"
#include "keys/reload_keyring/latest.sql"
#include "keys/reseal_plan/latest.sql"
#include "keys/reseal_batch/latest.sql"
#include "keys/key_usage/latest.sql"
#include "keys/retire_key/latest.sql"

#include "keys/_keys/latest.sql"
#include "keys/_add_key/latest.sql"
#include "keys/_use_key/latest.sql"
#include "keys/_reload_keyring/latest.sql"
#include "keys/_key_id/latest.sql"
#include "keys/_under_current_key/latest.sql"
#include "keys/_resealed/latest.sql"
#include "keys/_reseal_batch/latest.sql"
#include "keys/_wait_for_older_transactions/latest.sql"
#include "keys/_retire_key_material/latest.sql"

#include "keys/_email_columns/latest.sql"

#include "keys/_reseal_plan/latest.sql"

#include "keys/_key_usage/latest.sql"

#include "keys/_email_constants/latest.sql"

#include "keys/_retire_key/latest.sql"

#include "keys/reseal_existing/latest.sql"

-- ---------------------------------------------------------------------------
-- Break-glass access: a role asks for temporary access, a second person
-- approves; under the two-person rule an admin's grant of clear or sealed
-- access or of writing waits for a second person too.
-- ---------------------------------------------------------------------------
#include "access/requests/latest.sql"
#include "access/request_approvals/latest.sql"

#include "access/request_access/latest.sql"
#include "access/approve/latest.sql"
#include "access/deny/latest.sql"
#include "access/cancel/latest.sql"

#include "access/_calling_session_role/latest.sql"
#include "access/_calling_outer_role/latest.sql"
#include "access/_is_member_of/latest.sql"
#include "access/_is_admin/latest.sql"
#include "access/_mark_pending_grant/latest.sql"
#include "access/_record_request_event/latest.sql"

#include "access/_notify_request/latest.sql"

#include "access/_request_opened/latest.sql"

#include "access/_expire_requests/latest.sql"

#include "access/_refuse_request/latest.sql"

#include "access/_request_access/latest.sql"

#include "access/_check_decider/latest.sql"

#include "access/_approve/latest.sql"

#include "access/_deny/latest.sql"

#include "access/_cancel/latest.sql"

-- (access_requests: with the principals, below, whose names it shows)

-- ---------------------------------------------------------------------------
-- Canaries: addresses one role alone ever sees, to trace a leak to it.
-- ---------------------------------------------------------------------------

#include "canary/canaries/latest.sql"

-- The row policies of protected tables with an address column (see
-- _canary_policy()): as the two-argument forms, and another role's canary
-- is not there.
#include "canary/can_read/latest.sql"
#include "canary/can_write/latest.sql"

#include "canary/add_canary_addresses/latest.sql"
#include "canary/plant_canaries/latest.sql"
#include "canary/plan_canaries/latest.sql"
#include "canary/plant_due_canaries/latest.sql"
#include "canary/remove_canaries/latest.sql"
#include "canary/trace/latest.sql"
#include "canary/trace_leak/latest.sql"
#include "canary/report_canary_hit/latest.sql"

#include "canary/_local_part_style/latest.sql"
#include "canary/_local_part_in_style/latest.sql"
#include "canary/_canary_in_record/latest.sql"
#include "canary/_as_canary/latest.sql"
#include "canary/_value_digest/latest.sql"
-- Canaries are found by the loose form of their address (+tags and Gmail
-- dots dropped): a leaker rewriting addresses so still reaches the mailbox.
#include "canary/_loose_digest/latest.sql"
#include "canary/_loose_digest_of/latest.sql"
#include "canary/_address_in_line/latest.sql"
#include "canary/_address_domain/latest.sql"
#include "canary/_domain_digest_of/latest.sql"
#include "canary/_revealed_by/latest.sql"
#include "canary/_record_canary_event/latest.sql"

#include "canary/_canary_column/latest.sql"

#include "canary/_canary_policy/latest.sql"

#include "canary/_canary_policies/latest.sql"

#include "canary/_quiet_planting/latest.sql"
#include "canary/_refuse_list_code/latest.sql"
#include "canary/_count_planted_row/latest.sql"

#include "canary/_add_canary_addresses/latest.sql"

#include "canary/_local_part_template/latest.sql"
#include "canary/_local_part_from_template/latest.sql"
#include "canary/_names_for_local_part/latest.sql"

#include "canary/_canary_address/latest.sql"

#include "canary/_next_canary_slot/latest.sql"

#include "canary/_plant_canaries/latest.sql"

#include "canary/_plan_canaries/latest.sql"

#include "canary/_plant_due_canaries/latest.sql"

#include "canary/_remove_canaries/latest.sql"

#include "canary/_canary_seers/latest.sql"

#include "canary/_trace/latest.sql"

#include "canary/_trace_leak/latest.sql"

#include "canary/_report_canary_hit/latest.sql"

-- Hot standbys (src/pg/replica). Each standby's listguard link connects to
-- the primary as a member of listguard_standby and calls these: quota leases
-- (counted here when granted), the primary's open quota windows (mirrored
-- for a promotion), and the standby's audit events (appended to this
-- database's chain with the standby's name as origin).
#include "replica/_lease_quota/latest.sql"
#include "replica/_return_quota/latest.sql"
#include "replica/_quota_windows/latest.sql"
#include "replica/_append_standby_events/latest.sql"

-- Citus (docs/citus.md): the coordinator sends its catalog to every other
-- node in the transaction that changes it, a worker's link takes it when
-- it missed it, and protect() of a Citus table stamps the rows in its shards
-- on every node.
#include "replica/catalog_generation/latest.sql"
#include "replica/_transit_token/latest.sql"
#include "replica/_citus_catalog/latest.sql"
#include "replica/_citus_apply_catalog/latest.sql"
#include "replica/_citus_push_catalog/latest.sql"
#include "citus/_citus_stamped/latest.sql"
#include "citus/_citus_unstamped/latest.sql"
#include "citus/_citus_stamp/latest.sql"

-- The audit chain's head, which dumps carry (new in 0.3.0: last, so that the
-- extension's configuration tables are listed in the order an upgraded
-- database lists them).
#include "audit/audit_heads_guard/latest.sql"
#include "audit/audit_heads/latest.sql"

-- ---------------------------------------------------------------------------
-- Principals (new in 0.3.0, after the audit heads for the same reason): the
-- people behind application roles, granted like roles, for whom an
-- application acts per transaction with an assertion it signed (act_as).
-- ---------------------------------------------------------------------------
#include "access/application_users/latest.sql"
#include "access/applications/latest.sql"
#include "access/application_keys/latest.sql"
#include "access/principals/latest.sql"
#include "access/create_principal/latest.sql"
#include "access/_create_principal/latest.sql"
#include "access/drop_principal/latest.sql"
#include "access/_drop_principal/latest.sql"
#include "access/_application_key/latest.sql"
#include "access/add_application/latest.sql"
#include "access/_add_application/latest.sql"
#include "access/drop_application/latest.sql"
#include "access/_drop_application/latest.sql"
#include "access/act_as/latest.sql"
#include "access/end_principal/latest.sql"
#include "access/current_principal/latest.sql"
#include "access/_remembered_assertions/latest.sql"
-- (quota_usage masks names for monitors as the monitoring views do.)
#include "monitor/_redact/latest.sql"
#include "monitor/_has_address/latest.sql"
#include "quota/quota_usage/latest.sql"
#include "access/access_requests/latest.sql"
#include "canary/plant_principal_canaries/latest.sql"
#include "canary/_plant_principal_canaries/latest.sql"

-- protect() of a table in use (new in 0.3.0, after the principals for the
-- same reason): it stamps what it can under its lock and queues the rest, which
-- the database's maintenance worker stamps in the background; every long
-- operation says where it stands (listguard.progress).
#include "activity/_note_progress/latest.sql"
#include "protect/_stamp_queue_guard/latest.sql"
#include "protect/stamp_queue/latest.sql"
#include "protect/_request_background_stamping/latest.sql"
#include "protect/_lock_exclusively/latest.sql"

-- Retention of the audit trail (new in 0.3.0): archive_audit() moves old
-- events into sealed segment files; verify_audit() goes on from the last
-- one; verify_audit_archive() and read_audit_archive() read them offline.
#include "archive/_archive_guard/latest.sql"
#include "archive/audit_archives/latest.sql"
#include "archive/canary_reveal_history/latest.sql"
-- (What the audit trail says of a canary reads canary_reveal_history too.)
#include "canary/_canary_reveals/latest.sql"
#include "archive/archive_audit/latest.sql"
#include "archive/_archive_audit/latest.sql"
#include "archive/verify_audit_archive/latest.sql"
#include "archive/_verify_audit_archive/latest.sql"
#include "archive/read_audit_archive/latest.sql"
#include "archive/_read_audit_archive/latest.sql"

-- ---------------------------------------------------------------------------
-- Monitoring, for members of listguard_monitor and pg_monitor (and admins),
-- without any address: metrics, the progress of long operations, and the
-- audit log without the columns that could hold or point at an address.
-- ---------------------------------------------------------------------------
#include "monitor/_metrics/latest.sql"
#include "monitor/metrics/latest.sql"
#include "monitor/_progress/latest.sql"
#include "monitor/progress/latest.sql"
#include "monitor/audit_events/latest.sql"
-- Leak attribution (tables 0.3 added, in the order its update adds them):
-- what each role read in clear, per day, as Bloom filters of keyed digests,
-- and since when they are kept; canaries to plant later, one at a time,
-- among real signups.
#include "canary/reveal_summaries/latest.sql"
#include "canary/reveal_summaries_since/latest.sql"
#include "canary/canary_plans/latest.sql"
#include "canary/_reveals_complete/latest.sql"
