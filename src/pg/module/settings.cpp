// Every listguard.* setting, defined in one place, in the order
// docs/reference.md lists them; the variables behind them are in
// pg/base/settings.h, for every room to read.
#include "pg/module/settings.h"

#include <climits>
#include <string>

#include "pg/base/guard.h"
#include "pg/base/settings.h"
#include "pg/keys/keyring.h"

#include "core/email/address.h"
#include "core/base/error.h"
#include "core/quota/quota.h"

extern "C" {
#include "access/xact.h"
#include "miscadmin.h"
#include "utils/guc.h"
}

namespace listguard::pg {

namespace {

// A backend whose key source changes must not keep keys from the old one.
void assign_key_source(const char*, void*)
{
    forget_keyring();
}

// A session's proof of being a Citus internal connection is never shown,
// not even to pg_read_all_settings: a query Citus pushes to a worker runs
// in such a session, and could read it there (pg/citus/transit.h).
const char* show_citus_proof()
{
    return citus_proof_setting != nullptr && citus_proof_setting[0] != '\0' ? "(set)" : "";
}

// Settings that hold a secret (canary domains, a password in a connection
// string, the command that fetches the keyring) are shown to superusers
// only. PostgreSQL's GUC_SUPERUSER_ONLY lets pg_read_all_settings (so every
// member of pg_monitor) read them; a show hook is what SHOW, current_setting()
// and pg_settings all go through, and GUC_NO_SHOW_ALL keeps the rows (with
// their reset_val) out of pg_settings and SHOW ALL. listguard reads the
// variables themselves.
const char* show_secret(const char* value)
{
    if (value == nullptr || value[0] == '\0')
        return "";
    if (IsTransactionState() && superuser())
        return value;
    return "(hidden: only superusers read it)";
}

const char* show_canary_domains()
{
    return show_secret(canary_domains_setting);
}

const char* show_primary_conninfo()
{
    return show_secret(primary_conninfo_setting);
}

const char* show_key_command()
{
    return show_secret(key_command_setting);
}

// The quota of approved requests must parse, or every approval would fail.
bool check_request_quota(char** value, void**, GucSource)
{
    const char* text = *value ? *value : "";
    PendingError error;
    if (try_guarded([&] { (void)parse_quota(text); }, error))
        return true;
    GUC_check_errdetail("%s", error.detail[0] ? error.detail : error.message);
    return false;
}

// Canary domains: a comma-separated list of domains an address could have.
bool check_canary_domains(char** value, void**, GucSource source)
{
    // ALTER DATABASE/ROLE ... SET (checked as PGC_S_TEST) would store the
    // domains in pg_db_role_setting, which every login reads. Values stored
    // before are still applied at connection start.
    if (source == PGC_S_TEST && *value != nullptr && (*value)[0] != '\0') {
        GUC_check_errcode(ERRCODE_INSUFFICIENT_PRIVILEGE);
        GUC_check_errmsg("listguard.canary_domains cannot be set for a database, a role or a function");
        GUC_check_errdetail("Every login reads such settings in pg_db_role_setting; canary domains are a secret.");
        GUC_check_errhint("Set it in postgresql.conf (or with ALTER SYSTEM) and reload the configuration.");
        return false;
    }
    // The C++ part finds the first domain no address can have (where it is
    // in the setting); the detail is written after it.
    const char* setting = *value ? *value : "";
    std::size_t bad_start = 0;
    int bad_length = 0;
    PendingError error;
    bool valid = try_guarded(
        [&] {
            std::string list = setting;
            std::size_t start = 0;
            while (start <= list.size()) {
                std::size_t comma = list.find(',', start);
                std::string domain = list.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
                std::size_t first = domain.find_first_not_of(" \t");
                std::size_t last = domain.find_last_not_of(" \t");
                domain = first == std::string::npos ? "" : domain.substr(first, last - first + 1);
                if (!domain.empty()) {
                    try {
                        (void)parse_address("canary@" + domain);
                    } catch (const Error& e) {
                        bad_start = start + first;
                        bad_length = static_cast<int>(domain.size());
                        return;
                    }
                }
                if (comma == std::string::npos)
                    break;
                start = comma + 1;
            }
        },
        error);
    if (!valid) {
        GUC_check_errdetail("%s", error.detail[0] ? error.detail : error.message);
        return false;
    }
    if (bad_length > 0) {
        GUC_check_errdetail("\"%.*s\" is not a domain an address can have.", bad_length, setting + bad_start);
        return false;
    }
    return true;
}

} // namespace

void define_settings()
{
    // The keyring. Superuser-only, and per session so that tests can point
    // at another file; changing it drops the backend's keys.
    DefineCustomStringVariable(
        "listguard.key_file", "Path of the keyring that seals listguard.email values.",
        "Mode 0600. Relative paths are relative to the data directory. Made by CREATE EXTENSION in a cluster "
        "that never had one, never because it went missing.",
        &key_file_setting, "listguard.key", PGC_SUSET, 0, nullptr, assign_key_source, nullptr);
    // Like ssl_passphrase_command: the keyring from a secrets manager. Only
    // in the server's configuration (it runs a program as the server).
    DefineCustomStringVariable(
        "listguard.key_command", "Command that prints the keyring; overrides listguard.key_file when set.",
        "Run by each backend that first needs a key, with the server's environment; must exit 0.", &key_command_setting,
        "", PGC_SIGHUP, GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL, nullptr, assign_key_source, show_key_command);

    // For backups by hand: superusers see sealed tokens instead of masks.
    DefineCustomBoolVariable("listguard.sealed_output", "Show listguard.email values as sealed tokens to superusers.",
                             "For backups: sealed tokens can be read back by the input function.",
                             &sealed_output_setting, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);

    // CREATE EXTENSION refuses a listguard_admin (or _owner, _approver) it did
    // not create, unless told to adopt it.
    DefineCustomBoolVariable("listguard.adopt_existing_roles",
                             "Let CREATE EXTENSION adopt listguard roles that already exist.",
                             "A role someone else created may already have members; check them first.",
                             &adopt_existing_roles_setting, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);

    // Export quotas: shared-memory slots (fixed at start) and how often the
    // counters reach the disk (what a crash can lose).
    DefineCustomIntVariable("listguard.max_quota_slots",
                            "Export quotas that can have an open window at once (shared memory slots).", nullptr,
                            &max_quota_slots_setting, 1024, 16, 1000000, PGC_POSTMASTER, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("listguard.quota_save_interval", "How often export-quota counters are saved to disk.",
                            "A reservation is also saved before its values are shown, so a crash never gives "
                            "quota back. 0: only those saves, and one at a clean shutdown.",
                            &quota_save_interval_setting, 1000, 0, 3600000, PGC_SIGHUP, GUC_UNIT_MS, nullptr, nullptr,
                            nullptr);

    // The audit trail.
    DefineCustomBoolVariable("listguard.audit_reveals", "Record clear reveals in the audit trail.",
                             "One event per statement, role, grant, account and list, with the count.",
                             &audit_reveals_setting, true, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomBoolVariable("listguard.log_events", "Write every audit event to the server log as a JSON line.",
                             "For SIEM pipelines; the audit log table keeps them either way.", &log_events_setting,
                             false, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("listguard.audit_queue_size",
                            "Audit events that can wait in shared memory for their writer.",
                            "When the queue is full, events go to the server log and the gap is recorded.",
                            &audit_queue_size_setting, 2048, 64, 1000000, PGC_POSTMASTER, 0, nullptr, nullptr, nullptr);
    DefineCustomStringVariable("listguard.audit_anchor_directory",
                               "Directory of the audit anchors (the chain head of each database's audit log).",
                               "Relative paths are relative to the data directory. It must be writable by the "
                               "server; best on another volume than the database, where a restored backup cannot "
                               "bring an old anchor back.",
                               &audit_anchor_directory_setting, "pg_listguard", PGC_SIGHUP, 0, nullptr, nullptr,
                               nullptr);
    DefineCustomIntVariable(
        "listguard.audit_anchor_log_interval", "How often the audit writer logs the chain head (the anchor).", nullptr,
        &audit_anchor_log_interval_setting, 60, 0, 86400, PGC_SIGHUP, GUC_UNIT_S, nullptr, nullptr, nullptr);
    // Audit volume: a backend records one rows_changed event per table and
    // transaction; with 'second' the writer also merges those of the same
    // role, table and application within each second.
    static const struct config_enum_entry kRowAggregation[] = {
        {"transaction", static_cast<int>(RowAggregation::Transaction), false},
        {"second", static_cast<int>(RowAggregation::Second), false},
        {nullptr, 0, false},
    };
    DefineCustomEnumVariable("listguard.audit_row_aggregation",
                             "How rows_changed events are aggregated: per transaction, or also per role, table and "
                             "second.",
                             "With second, the audit writer merges the rows_changed events of each role, table, "
                             "client and application within a second into one (no count is lost; the transaction "
                             "ids are).",
                             &audit_row_aggregation_setting, static_cast<int>(RowAggregation::Transaction),
                             kRowAggregation, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
    // Retention: archive_audit() writes segments here (server side); the
    // housekeeper archives what is older than the retention.
    DefineCustomStringVariable("listguard.audit_archive_directory",
                               "Directory where archive_audit() writes segments of the audit trail.",
                               "Empty: no archiving. Relative paths are relative to the data directory. Keep it on "
                               "storage you back up; the segments are the trail's history.",
                               &audit_archive_directory_setting, "", PGC_SIGHUP, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("listguard.audit_retention",
                            "Events older than this are archived from the audit log by the housekeeper.",
                            "0 keeps every event in the table. Needs listguard.audit_archive_directory.",
                            &audit_retention_setting, 0, 0, INT_MAX, PGC_SIGHUP, GUC_UNIT_S, nullptr, nullptr, nullptr);

    // Addresses out of the server log (and out of every message).
    DefineCustomBoolVariable("listguard.redact_server_log",
                             "Mask addresses in every message, detail, context and statement that is logged.",
                             "Error details, CONTEXT and STATEMENT lines and loggers such as auto_explain would "
                             "otherwise write addresses into the server log.",
                             &redact_server_log_setting, true, PGC_SUSET, 0, nullptr, nullptr, nullptr);

    // Break-glass access: requests and approvals (src/sql/access).
    DefineCustomIntVariable("listguard.max_request_duration", "Longest duration an access request may ask for.",
                            nullptr, &max_request_duration_setting, 8 * 3600, 1, 30 * 86400, PGC_SUSET, GUC_UNIT_S,
                            nullptr, nullptr, nullptr);
    DefineCustomIntVariable("listguard.request_ttl", "How long an access request waits for approval before it expires.",
                            nullptr, &request_ttl_setting, 3600, 1, 7 * 86400, PGC_SUSET, GUC_UNIT_S, nullptr, nullptr,
                            nullptr);
    DefineCustomIntVariable("listguard.required_approvals",
                            "Distinct approvers an access request (or a pending grant) needs.", nullptr,
                            &required_approvals_setting, 1, 1, 10, PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomStringVariable("listguard.request_quota", "Export quota of the grant an approved request makes.",
                               "As in grant_access(): N/second, N/minute, N/hour, N/day or N/week.",
                               &request_quota_setting, "1000/day", PGC_SUSET, 0, check_request_quota, nullptr, nullptr);
    DefineCustomBoolVariable("listguard.two_person_rule",
                             "A grant of clear or sealed access, of writing or of sending waits for a second person.",
                             "grant_access() then returns the id of a pending request that another administrator "
                             "or an approver must approve.",
                             &two_person_rule_setting, false, PGC_SUSET, 0, nullptr, nullptr, nullptr);

    // Canaries (src/sql/canary). Hidden from non-superusers: insiders should
    // not learn where canaries are made.
    DefineCustomStringVariable("listguard.canary_domains",
                               "Domains whose mail the ESP receives, where plant_canaries() makes canary addresses.",
                               "Comma-separated. Used when no address added with add_canary_addresses() is left.",
                               &canary_domains_setting, "", PGC_SUSET, GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL,
                               check_canary_domains, nullptr, show_canary_domains);

    // Hot standbys (pg/replica). The connection string may hold a password.
    static const struct config_enum_entry kStandbyQuota[] = {
        {"primary", static_cast<int>(StandbyQuota::Primary), false},
        {"local", static_cast<int>(StandbyQuota::Local), false},
        {"deny", static_cast<int>(StandbyQuota::Deny), false},
        {nullptr, 0, false},
    };
    DefineCustomStringVariable(
        "listguard.primary_conninfo", "How a hot standby's listguard link connects to the primary.",
        "Empty: the standby's own primary_conninfo. The database is the link's own.", &primary_conninfo_setting, "",
        PGC_SIGHUP, GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL, nullptr, nullptr, show_primary_conninfo);
    DefineCustomEnumVariable("listguard.standby_quota", "Where a hot standby counts clear reveals under export quotas.",
                             "primary: leases from the primary's counters; local: its own counters (each server "
                             "allows the full quota); deny: no clear reveals under a quota.",
                             &standby_quota_setting, static_cast<int>(StandbyQuota::Primary), kStandbyQuota, PGC_SIGHUP,
                             0, nullptr, nullptr, nullptr);

    // protect() of a table in use: how long it may stamp existing rows while
    // it holds the table's lock; the rest is stamped in the background.
    DefineCustomIntVariable("listguard.protect_stamp_budget",
                            "How long protect() stamps existing rows under its lock before it leaves the rest to "
                            "background stamping.",
                            "-1: no limit (protect() stamps every row before it returns, holding the lock).",
                            &protect_stamp_budget_setting, 500, -1, 3600000, PGC_SUSET, GUC_UNIT_MS, nullptr, nullptr,
                            nullptr);
    DefineCustomBoolVariable("listguard.background_stamping",
                             "Stamp protected tables' existing rows in the background.",
                             "Off pauses it; it resumes where it stopped when turned on again.",
                             &background_stamping_setting, true, PGC_SIGHUP, 0, nullptr, nullptr, nullptr);

    // Principals: application users an application acts for with signed
    // assertions (listguard.act_as). Only superusers set them: a session
    // that chose its own audience could use assertions made for another
    // database, and one that chose "mask" could read where "refuse" is meant.
    DefineCustomStringVariable(
        "listguard.audience", "The audience (aud) that assertions given to listguard.act_as() must name.",
        "Empty: the database's name.", &audience_setting, "", PGC_SUSET, 0, nullptr, nullptr, nullptr);
    static const struct config_enum_entry kMissingPrincipal[] = {
        {"mask", static_cast<int>(MissingPrincipal::Mask), false},
        {"refuse", static_cast<int>(MissingPrincipal::Refuse), false},
        {nullptr, 0, false},
    };
    DefineCustomEnumVariable("listguard.missing_principal",
                             "What an application registered with require_principal gets without a principal.",
                             "mask: rows as its grants allow, every address masked; refuse: an error.",
                             &missing_principal_setting, static_cast<int>(MissingPrincipal::Mask), kMissingPrincipal,
                             PGC_SUSET, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable(
        "listguard.max_assertions", "Assertions whose jti the server remembers until they expire (shared memory).",
        "act_as() refuses assertions while this many unexpired ones are remembered: at least "
        "transactions per second times the assertions' lifetime.",
        &max_assertions_setting, 65536, 1024, 100000000, PGC_POSTMASTER, 0, nullptr, nullptr, nullptr);
    DefineCustomIntVariable("listguard.assertion_leeway",
                            "How far an assertion's iat and nbf may lie ahead of the server's clock.",
                            "For clocks that differ a little. After a start, assertions issued in the first this "
                            "many seconds are refused too (they might have been used before a crash).",
                            &assertion_leeway_setting, 2, 0, 60, PGC_POSTMASTER, GUC_UNIT_S, nullptr, nullptr, nullptr);

    // Citus (pg/citus). The proof a listguard backend puts into the startup
    // options of the connections Citus opens from it: set at connection
    // start only, and no role but a superuser may read it.
    DefineCustomStringVariable("listguard.citus_proof", "Proof that a session is a Citus internal connection.",
                               "Set by listguard in the connections Citus opens; see docs/citus.md.",
                               &citus_proof_setting, "", PGC_BACKEND,
                               GUC_SUPERUSER_ONLY | GUC_NO_SHOW_ALL | GUC_NOT_IN_SAMPLE | GUC_DISALLOW_IN_FILE, nullptr,
                               nullptr, show_citus_proof);
    // How a Citus worker's listguard link reaches the coordinator (leases,
    // audit events, the catalog). Empty: the coordinator Citus knows, as
    // the extension's owner.
    DefineCustomStringVariable(
        "listguard.coordinator_conninfo", "How a Citus worker's listguard link connects to the coordinator.",
        "Empty: host and port of the coordinator in Citus's metadata, user the owner of the extension. The "
        "database is the link's own.",
        &coordinator_conninfo_setting, "", PGC_SIGHUP, GUC_SUPERUSER_ONLY, nullptr, nullptr, nullptr);

    MarkGUCPrefixReserved("listguard");
}

} // namespace listguard::pg
