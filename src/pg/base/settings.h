// The values of every listguard.* setting, for every room to read; the
// settings are defined in pg/module/settings.cpp.
#pragma once

namespace listguard::pg {

extern char* key_file_setting;                // listguard.key_file
extern char* key_command_setting;             // listguard.key_command
extern bool sealed_output_setting;            // listguard.sealed_output
extern bool adopt_existing_roles_setting;     // listguard.adopt_existing_roles
extern int max_quota_slots_setting;           // listguard.max_quota_slots
extern int quota_save_interval_setting;       // listguard.quota_save_interval, ms; 0: only at shutdown
extern bool audit_reveals_setting;            // listguard.audit_reveals
extern bool log_events_setting;               // listguard.log_events
extern int audit_queue_size_setting;          // listguard.audit_queue_size
extern char* audit_anchor_directory_setting;  // listguard.audit_anchor_directory
extern int audit_anchor_log_interval_setting; // listguard.audit_anchor_log_interval, s
extern bool redact_server_log_setting;        // listguard.redact_server_log
extern int max_request_duration_setting;      // listguard.max_request_duration, s
extern int request_ttl_setting;               // listguard.request_ttl, s
extern int required_approvals_setting;        // listguard.required_approvals
extern char* request_quota_setting;           // listguard.request_quota
extern bool two_person_rule_setting;          // listguard.two_person_rule
extern char* canary_domains_setting;          // listguard.canary_domains
extern char* primary_conninfo_setting;        // listguard.primary_conninfo
extern int protect_stamp_budget_setting;      // listguard.protect_stamp_budget, ms; -1: no limit
extern bool background_stamping_setting;      // listguard.background_stamping
enum class RowAggregation { Transaction, Second };
extern int audit_row_aggregation_setting;     // listguard.audit_row_aggregation, a RowAggregation
extern char* audit_archive_directory_setting; // listguard.audit_archive_directory; empty: no archiving
extern int audit_retention_setting;           // listguard.audit_retention, s; 0: events are kept in the table
enum class StandbyQuota { Primary, Local, Deny };
extern int standby_quota_setting; // listguard.standby_quota, a StandbyQuota
// Principals (application users, pg/access/principals.h).
extern char* audience_setting; // listguard.audience; empty: the database's name
enum class MissingPrincipal { Mask, Refuse };
extern int missing_principal_setting;      // listguard.missing_principal, a MissingPrincipal
extern int max_assertions_setting;         // listguard.max_assertions
extern int assertion_leeway_setting;       // listguard.assertion_leeway, s
extern char* citus_proof_setting;          // listguard.citus_proof (pg/citus/transit.h)
extern char* coordinator_conninfo_setting; // listguard.coordinator_conninfo

} // namespace listguard::pg
