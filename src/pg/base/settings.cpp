// The variables behind every listguard.* setting (module/settings.cpp
// defines the settings themselves).
#include "pg/base/settings.h"

namespace listguard::pg {
char* key_file_setting = nullptr;
char* key_command_setting = nullptr;
bool sealed_output_setting = false;
bool adopt_existing_roles_setting = false;
int max_quota_slots_setting = 1024;
int quota_save_interval_setting = 1000;
bool audit_reveals_setting = true;
bool log_events_setting = false;
int audit_queue_size_setting = 2048;
char* audit_anchor_directory_setting = nullptr;
int audit_anchor_log_interval_setting = 60;
bool redact_server_log_setting = true;
int max_request_duration_setting = 8 * 3600;
int request_ttl_setting = 3600;
int required_approvals_setting = 1;
char* request_quota_setting = nullptr;
bool two_person_rule_setting = false;
char* canary_domains_setting = nullptr;
char* primary_conninfo_setting = nullptr;
int standby_quota_setting = static_cast<int>(StandbyQuota::Primary);
int protect_stamp_budget_setting = 500;
bool background_stamping_setting = true;
int audit_row_aggregation_setting = static_cast<int>(RowAggregation::Transaction);
char* audit_archive_directory_setting = nullptr;
int audit_retention_setting = 0;
char* audience_setting = nullptr;
int missing_principal_setting = static_cast<int>(MissingPrincipal::Mask);
int max_assertions_setting = 65536;
int assertion_leeway_setting = 2;
char* citus_proof_setting = nullptr;
char* coordinator_conninfo_setting = nullptr;

} // namespace listguard::pg
