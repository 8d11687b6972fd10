#include "pg/base/session_settings.h"

extern "C" {
#include "access/xact.h"
#include "miscadmin.h"
#include "fmgr.h"
#include "utils/guc.h"
#include "utils/guc_tables.h"
#include "utils/memutils.h"
}

namespace listguard::pg {

namespace {

// Settings whose session value listguard's code may run under: what they
// change is how fast, how long, how loud, or how results are shown to this
// client. Everything else that a session can set is pinned.
bool keeps_session_value(const config_generic& setting)
{
    switch (setting.group) {
    case FILE_LOCATIONS:
    case CONN_AUTH_SETTINGS:
    case CONN_AUTH_AUTH:
    case CONN_AUTH_SSL:
    case RESOURCES_MEM:
    case RESOURCES_DISK:
    case RESOURCES_KERNEL:
    case RESOURCES_VACUUM_DELAY:
    case RESOURCES_BGWRITER:
    case RESOURCES_ASYNCHRONOUS:
    case WAL_SETTINGS:
    case WAL_CHECKPOINTS:
    case WAL_ARCHIVING:
    case WAL_RECOVERY:
    case WAL_ARCHIVE_RECOVERY:
    case WAL_RECOVERY_TARGET:
    case REPLICATION_SENDING:
    case REPLICATION_PRIMARY:
    case REPLICATION_STANDBY:
    case REPLICATION_SUBSCRIBERS:
    case QUERY_TUNING_METHOD:
    case QUERY_TUNING_COST:
    case QUERY_TUNING_GEQO:
    case QUERY_TUNING_OTHER:
    case LOGGING_WHERE:
    case LOGGING_WHEN:
    case LOGGING_WHAT:
    case PROCESS_TITLE:
    case STATS_MONITORING:
    case STATS_CUMULATIVE:
    case AUTOVACUUM:
    case LOCK_MANAGEMENT:
    case ERROR_HANDLING_OPTIONS:
    case CLIENT_CONN_PRELOAD:
        return true;
    // Who the session is (role, session_authorization) and its transaction's
    // state: elevated code sets the user itself and cannot change the rest.
    case UNGROUPED:
    case PRESET_OPTIONS:
        return true;
    // Other extensions' own settings are theirs; the procedural language
    // listguard's functions are written in is listguard's.
    case CUSTOM_OPTIONS:
        return pg_strncasecmp(setting.name, "plpgsql.", 8) != 0;
    case CLIENT_CONN_STATEMENT:
    case CLIENT_CONN_LOCALE:
    case CLIENT_CONN_OTHER:
    case COMPAT_OPTIONS_PREVIOUS:
    case COMPAT_OPTIONS_CLIENT:
    case DEVELOPER_OPTIONS:
        break;
    }
    // How long statements may run, what messages the client gets, how
    // values are written out for it (text that listguard's code renders in
    // the client's style reads back the same in that session), and the
    // transaction's own state (fixed once it has run a query; a standby's
    // is read-only). TimeZone changes how long a calendar interval added to
    // a time is (a day with a clock change has 23 or 25 hours): listguard's
    // code adds only fixed lengths (an access request's duration is made
    // one), so it keeps the client's zone for the times it writes out.
    static const char* const kKept[] = {
        "transaction_isolation",
        "transaction_read_only",
        "transaction_deferrable",
        "statement_timeout",
        "lock_timeout",
        "idle_in_transaction_session_timeout",
        "idle_session_timeout",
        "client_encoding",
        "client_min_messages",
        "lc_messages",
        "TimeZone",
        "timezone_abbreviations",
        "DateStyle",
        "IntervalStyle",
        "extra_float_digits",
        "bytea_output",
    };
    for (const char* name : kKept)
        if (pg_strcasecmp(setting.name, name) == 0)
            return true;
    return false;
}

// The built-in default as text, if it differs from the current value; null
// if the setting already has it (or has no default to go back to).
const char* changed_default(config_generic& setting)
{
    static char number[64];
    switch (setting.vartype) {
    case PGC_BOOL: {
        auto& s = reinterpret_cast<config_bool&>(setting);
        return *s.variable == s.boot_val ? nullptr : (s.boot_val ? "on" : "off");
    }
    case PGC_INT: {
        auto& s = reinterpret_cast<config_int&>(setting);
        if (*s.variable == s.boot_val)
            return nullptr;
        snprintf(number, sizeof number, "%d", s.boot_val);
        return number;
    }
    case PGC_REAL: {
        auto& s = reinterpret_cast<config_real&>(setting);
        if (*s.variable == s.boot_val)
            return nullptr;
        snprintf(number, sizeof number, "%.17g", s.boot_val);
        return number;
    }
    case PGC_STRING: {
        auto& s = reinterpret_cast<config_string&>(setting);
        if (s.boot_val == nullptr || (*s.variable != nullptr && strcmp(*s.variable, s.boot_val) == 0))
            return nullptr;
        return s.boot_val;
    }
    case PGC_ENUM: {
        auto& s = reinterpret_cast<config_enum&>(setting);
        return *s.variable == s.boot_val ? nullptr : config_enum_lookup_by_value(&s, s.boot_val);
    }
    }
    return nullptr;
}

bool from_catalog(GucSource source)
{
    return source == PGC_S_GLOBAL || source == PGC_S_DATABASE || source == PGC_S_USER || source == PGC_S_DATABASE_USER;
}

// The server's settings as this process had them before it connected.
struct ServerSetting {
    char* name;
    char* value; // null: none (session_authorization before a user is known)
};
ServerSetting* server_settings = nullptr;
int server_setting_count = 0;

const ServerSetting* server_setting(const char* name)
{
    for (int i = 0; i < server_setting_count; i++)
        if (pg_strcasecmp(server_settings[i].name, name) == 0)
            return &server_settings[i];
    return nullptr;
}

// Whether the session holds settings of the procedural language listguard's
// functions are written in that are still placeholders (plpgsql is not
// loaded in this session yet): plpgsql would take them up as it loads,
// half-way through listguard's call, after the settings were pinned.
bool plpgsql_placeholders()
{
    config_generic** settings = get_guc_variables();
    int count = GetNumConfigOptions();
    for (int i = 0; i < count; i++)
        if ((settings[i]->flags & GUC_CUSTOM_PLACEHOLDER) && pg_strncasecmp(settings[i]->name, "plpgsql.", 8) == 0)
            return true;
    return false;
}

} // namespace

int pin_settings(const char* search_path)
{
    // Loaded first, so that its settings are settings (pinned below), not
    // placeholders; it stays loaded, as a first PL/pgSQL call would leave it.
    if (plpgsql_placeholders())
        load_file("$libdir/plpgsql", false);
    int level = NewGUCNestLevel();
    config_generic** settings = get_guc_variables();
    int count = GetNumConfigOptions();
    for (int i = 0; i < count; i++) {
        config_generic& setting = *settings[i];
        // A placeholder is a setting of a module this session has not
        // loaded (plpgsql's were loaded above): it changes nothing here.
        if ((setting.context != PGC_USERSET && setting.context != PGC_SUSET) ||
            (setting.flags & GUC_CUSTOM_PLACEHOLDER) || keeps_session_value(setting))
            continue;
        const char* value = changed_default(setting);
        if (value != nullptr)
            (void)set_config_option(setting.name, pstrdup(value), PGC_SUSET, PGC_S_SESSION, GUC_ACTION_SAVE, true,
                                    ERROR, false);
    }
    (void)set_config_option("search_path", search_path, PGC_SUSET, PGC_S_SESSION, GUC_ACTION_SAVE, true, ERROR, false);
    return level;
}

void capture_server_settings()
{
    config_generic** settings = get_guc_variables();
    int count = GetNumConfigOptions();
    server_settings = static_cast<ServerSetting*>(MemoryContextAlloc(TopMemoryContext, sizeof(ServerSetting) * count));
    server_setting_count = 0;
    for (int i = 0; i < count; i++) {
        const char* value = GetConfigOption(settings[i]->name, true, false);
        ServerSetting& s = server_settings[server_setting_count++];
        s.name = MemoryContextStrdup(TopMemoryContext, settings[i]->name);
        s.value = value ? MemoryContextStrdup(TopMemoryContext, value) : nullptr;
    }
}

void discard_catalog_settings(const char* worker_name)
{
    // Some settings look names up in the catalogs (role, search_path).
    StartTransactionCommand();
    config_generic** settings = get_guc_variables();
    int count = GetNumConfigOptions();
    for (int i = 0; i < count; i++) {
        config_generic& setting = *settings[i];
        if (!from_catalog(setting.source))
            continue;
        const ServerSetting* server = server_setting(setting.name);
        const char* value = server != nullptr ? server->value : changed_default(setting);
        if (pg_strcasecmp(setting.name, "session_authorization") == 0)
            value = GetUserNameFromId(GetAuthenticatedUserId(), false); // whom the worker connected as
        ereport(DEBUG1, (errmsg("%s ignores the setting \"%s\" of its database or role", worker_name, setting.name),
                         errdetail("Only the server's configuration applies to listguard's workers.")));
        // A placeholder (a module's setting the worker never loads) changes
        // nothing the worker does, and has no server value to go back to.
        if (value == nullptr || (setting.flags & GUC_CUSTOM_PLACEHOLDER))
            continue;
        (void)set_config_option(setting.name, value, PGC_SU_BACKEND, PGC_S_DATABASE_USER, GUC_ACTION_SET, true, ERROR,
                                false);
    }
    CommitTransactionCommand();
}

} // namespace listguard::pg
