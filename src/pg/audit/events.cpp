#include "pg/audit/events.h"

#include "pg/activity/counters.h"
#include "pg/audit/origin.h"
#include "pg/audit/queue.h"
#include "pg/base/catalog.h"
#include "pg/base/clipped_text.h"
#include "pg/base/principal_state.h"
#include "pg/base/session_info.h"
#include "pg/base/settings.h"

extern "C" {
#include "access/xact.h"
#include "access/xlog.h"
#include "commands/dbcommands.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
}

namespace listguard::pg {

const char* event_kind_name(EventKind kind) noexcept
{
    switch (kind) {
    case EventKind::QuotaExceeded:
        return "quota_exceeded";
    case EventKind::Denied:
        return "denied";
    case EventKind::ClearReveal:
        return "clear_reveal";
    case EventKind::RowsChanged:
        return "rows_changed";
    case EventKind::RowChanged:
        return "row_changed";
    case EventKind::Grant:
        return "grant";
    case EventKind::Revoke:
        return "revoke";
    case EventKind::Protect:
        return "protect";
    case EventKind::Unprotect:
        return "unprotect";
    case EventKind::ProtectionChanged:
        return "protection_changed";
    case EventKind::Extension:
        return "extension";
    case EventKind::AuditLogModified:
        return "audit_log_modified";
    case EventKind::RoleChanged:
        return "role_changed";
    case EventKind::CatalogModified:
        return "catalog_modified";
    case EventKind::Key:
        return "key";
    case EventKind::AccessRequest:
        return "access_request";
    case EventKind::Canary:
        return "canary";
    case EventKind::Dump:
        return "dump";
    case EventKind::Principal:
        return "principal";
    case EventKind::AuditArchived:
        return "audit_archived";
    }
    return "unknown";
}

EventScope scope_of(Stamp stamp, Oid relation)
{
    EventScope scope;
    scope.account = stamp.account;
    scope.list = stamp.list;
    scope.relation = relation;
    return scope;
}

EventScope table_scope(Oid relation)
{
    EventScope scope;
    scope.relation = relation;
    return scope;
}

char* json_string(const char* value)
{
    StringInfoData buf;
    initStringInfo(&buf);
    escape_json(&buf, value ? value : "");
    return buf.data;
}

namespace {

void copy_text(char* dst, size_t size, const char* src)
{
    copy_clipped(dst, size, src);
}

// The whole event as one JSON line, for the server log.
char* event_json(const AuditEvent& e)
{
    StringInfoData buf;
    initStringInfo(&buf);
    appendStringInfo(&buf, "{\"kind\": \"%s\", \"time\": ", e.kind);
    escape_json(&buf, timestamptz_to_str(e.time));
    appendStringInfoString(&buf, ", \"database\": ");
    escape_json(&buf, e.database_name);
    appendStringInfoString(&buf, ", \"session_user\": ");
    escape_json(&buf, e.session_user);
    appendStringInfoString(&buf, ", \"current_user\": ");
    escape_json(&buf, e.current_user);
    appendStringInfoString(&buf, ", \"client_addr\": ");
    escape_json(&buf, e.client_addr);
    appendStringInfoString(&buf, ", \"application_name\": ");
    escape_json(&buf, e.application_name);
    appendStringInfo(&buf, ", \"pid\": %d, \"xid\": %llu", e.pid, static_cast<unsigned long long>(e.xid));
    if (e.has_account)
        appendStringInfo(&buf, ", \"account\": %lld", static_cast<long long>(e.account));
    if (e.has_list)
        appendStringInfo(&buf, ", \"list\": %lld", static_cast<long long>(e.list));
    if (e.relation[0]) {
        appendStringInfoString(&buf, ", \"table\": ");
        escape_json(&buf, e.relation);
    }
    if (e.counts_length > 0)
        appendStringInfo(&buf, ", \"counts\": %s", e.counts);
    appendStringInfo(&buf, ", \"detail\": %s}", e.detail);
    return buf.data;
}

} // namespace

void log_event(const AuditEvent& e, const char* why)
{
    ereport(LOG, (errmsg("listguard event%s: %s", why, event_json(e)), errhidestmt(true), errhidecontext(true)));
}

bool is_event_kind_name(const char* name) noexcept
{
    for (int k = 0; k <= static_cast<int>(kLastEventKind); k++)
        if (strcmp(name, event_kind_name(static_cast<EventKind>(k))) == 0)
            return true;
    return strcmp(name, "audit_gap") == 0;
}

namespace {

// The value of a "key": "value" pair of a detail, if it is one of `known`;
// "other" if it is something else; null if there is none. What the
// metrics count by: listguard's own words, never a role's text.
const char* known_value(const char* detail, const char* key, const char* const* known, size_t n)
{
    char* pattern = psprintf("\"%s\": \"", key);
    const char* at = strstr(detail, pattern);
    pfree(pattern);
    if (at == nullptr)
        return nullptr;
    at += strlen(key) + 5;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(known[i]);
        if (strncmp(at, known[i], len) == 0 && (at[len] == '"' || at[len] == ':'))
            return known[i];
    }
    return "other";
}

// What listguard.metrics counts of an event: its kind, and for a refusal its
// reason, for a canary hit its verdict.
void count_event(EventKind kind, const char* detail)
{
    count(MyDatabaseId, Counter::Events, 1, event_kind_name(kind));
    if (kind == EventKind::Denied) {
        static const char* const kReasons[] = {"laundering",
                                               "not an admin",
                                               "not a monitor",
                                               "listguard role",
                                               "protected table",
                                               "email column to another type",
                                               "dump with masks",
                                               "logical replication without a sealed grant",
                                               "object over listguard.email",
                                               "row security",
                                               "database with a trail",
                                               "listguard table"};
        const char* reason = known_value(detail, "reason", kReasons, lengthof(kReasons));
        // Two refusals say what was refused rather than why.
        if (reason == nullptr && strstr(detail, "\"action\": \"drop database\"") != nullptr)
            reason = "database with a trail";
        else if (reason == nullptr && strstr(detail, "\"operation\": ") != nullptr)
            reason = "listguard table";
        count(MyDatabaseId, Counter::Denials, 1, reason ? reason : "other");
    } else if (kind == EventKind::Canary && strstr(detail, "\"action\": \"hit\"") != nullptr) {
        static const char* const kVerdicts[] = {"leak", "probable guessing", "unknown"};
        const char* verdict = known_value(detail, "verdict", kVerdicts, lengthof(kVerdicts));
        count(MyDatabaseId, Counter::CanaryHits, 1, verdict ? verdict : "other");
    }
}

} // namespace

void make_event(EventKind kind, const char* detail_json, const EventScope& scope, AuditEvent* e)
{
    memset(e, 0, sizeof *e);
    SessionInfo info = session_info();
    e->database = MyDatabaseId;
    copy_text(e->database_name, sizeof e->database_name, info.database);
    e->time = GetCurrentTimestamp();
    copy_text(e->kind, sizeof e->kind, event_kind_name(kind));
    copy_text(e->session_user, sizeof e->session_user, info.session_user);
    copy_text(e->current_user, sizeof e->current_user, info.current_user);
    copy_text(e->client_addr, sizeof e->client_addr, info.client_addr);
    copy_text(e->application_name, sizeof e->application_name, info.application_name);
    e->pid = MyProcPid;
    // The subtransaction's own id when it has one: a statement whose
    // savepoint is rolled back later is recorded with an id that
    // txid_status() then calls aborted, though its transaction commits.
    if (scope.xid != 0) {
        e->xid = scope.xid;
    } else if (IsTransactionState()) {
        FullTransactionId xid = GetCurrentFullTransactionIdIfAny();
        if (!FullTransactionIdIsValid(xid))
            xid = GetTopFullTransactionIdIfAny();
        e->xid = U64FromFullTransactionId(xid);
    } else {
        e->xid = 0;
    }
    e->has_account = scope.account.has_value();
    e->account = scope.account.value_or(0);
    e->has_list = scope.list.has_value();
    e->list = scope.list.value_or(0);
    if (scope.relation_name != nullptr)
        copy_text(e->relation, sizeof e->relation, scope.relation_name);
    else if (OidIsValid(scope.relation) && IsTransactionState()) {
        char* name = get_rel_name(scope.relation);
        char* nsp = get_namespace_name(get_rel_namespace(scope.relation));
        if (name != nullptr)
            copy_text(e->relation, sizeof e->relation, quote_qualified_identifier(nsp ? nsp : "", name));
    }
    e->digest_count = Min(scope.digest_count, kAuditMaxDigests);
    for (int i = 0; i < e->digest_count; i++)
        memcpy(e->digests[i], scope.digests + 16 * i, 16);
    if (scope.counts_json && strlen(scope.counts_json) < sizeof e->counts) {
        copy_text(e->counts, sizeof e->counts, scope.counts_json);
        e->counts_length = strlen(e->counts);
    }
    const char* detail = detail_json ? detail_json : "{}";
    // Every event names the principal in force (pg/base/principal_state.h):
    // last, so that it is the one a JSON reader keeps.
    const Principal* principal = principal_in_force();
    size_t length = strlen(detail);
    while (length > 0 && isspace(static_cast<unsigned char>(detail[length - 1])))
        length--;
    if (principal != nullptr && length >= 2 && detail[length - 1] == '}') {
        size_t inner = length - 1;
        while (inner > 1 && isspace(static_cast<unsigned char>(detail[inner - 1])))
            inner--;
        bool empty = detail[inner - 1] == '{';
        detail = psprintf("%.*s%s\"principal\": %s}", static_cast<int>(inner), detail, empty ? "" : ", ",
                          json_string(principal->name));
    }
    if (strlen(detail) >= sizeof e->detail)
        detail = "{\"truncated\": true}";
    copy_text(e->detail, sizeof e->detail, detail);
    e->detail_length = strlen(e->detail);
}

void record_event(EventKind kind, const char* detail_json, const EventScope& scope)
{
    // Built in palloc'd memory and copied into the queue: this must not fail
    // part-way through the error path that calls it.
    AuditEvent* e = static_cast<AuditEvent*>(palloc(sizeof(AuditEvent)));
    make_event(kind, detail_json, scope, e);
    count_event(kind, e->detail);

    bool standby = RecoveryInProgress();
    // While a transaction aborts the catalogs cannot be read: rely on what
    // is remembered.
    bool installed = IsTransactionState() ? OidIsValid(listguard_objects().audit_log)
                                          : OidIsValid(remembered_listguard_objects().audit_log);
    if (standby) {
        // Queued for the link to ship to the primary's audit log
        // (pg/replica), which logs it here if the primary cannot be reached.
        copy_text(e->origin, sizeof e->origin, standby_origin());
        if (!installed)
            log_event(*e, " (standby)");
        else if (!audit_enqueue(*e)) {
            audit_note_overflow(MyDatabaseId);
            log_event(*e, " (standby, audit queue full)");
        } else if (log_events_setting)
            log_event(*e, " (standby)");
    } else if (!installed)
        log_event(*e, "");
    else if (!audit_enqueue(*e)) {
        audit_note_overflow(MyDatabaseId);
        log_event(*e, " (audit queue full)");
    } else if (log_events_setting)
        log_event(*e, "");
    pfree(e);
}

void record_action_event(FunctionCallInfo fcinfo, EventKind kind, const char* id_name, EventScope scope)
{
    const char* action = PG_ARGISNULL(0) ? "?" : text_to_cstring(PG_GETARG_TEXT_PP(0));
    if (!PG_ARGISNULL(2))
        scope.account = PG_GETARG_INT64(2);
    if (!PG_ARGISNULL(3))
        scope.list = PG_GETARG_INT64(3);
    const char* extra = PG_ARGISNULL(4) ? "{}" : JsonbToCString(nullptr, &PG_GETARG_JSONB_P(4)->root, 64);
    char* detail = PG_ARGISNULL(1) ? psprintf("{\"action\": %s, \"detail\": %s}", json_string(action), extra)
                                   : psprintf("{\"action\": %s, \"%s\": %lld, \"detail\": %s}", json_string(action),
                                              id_name, static_cast<long long>(PG_GETARG_INT64(1)), extra);
    record_event(kind, detail, scope);
}

namespace {

AuditEvent writer_event(Oid database, const char* kind)
{
    AuditEvent e;
    memset(&e, 0, sizeof e);
    e.database = database;
    e.time = GetCurrentTimestamp();
    strlcpy(e.kind, kind, sizeof e.kind);
    strlcpy(e.session_user, "listguard audit writer", sizeof e.session_user);
    strlcpy(e.current_user, "listguard audit writer", sizeof e.current_user);
    e.pid = MyProcPid;
    return e;
}

} // namespace

AuditEvent audit_crash_gap_event(Oid database)
{
    AuditEvent gap = writer_event(database, "audit_gap");
    snprintf(gap.detail, sizeof gap.detail,
             "{\"after_crash\": true, \"why\": \"the server restarted after a crash: events that were queued, or "
             "sent to the server log, before it may be missing from this log\"}");
    gap.detail_length = strlen(gap.detail);
    return gap;
}

AuditEvent audit_gap_event(Oid database, int64 lost, const char* why)
{
    AuditEvent gap = writer_event(database, "audit_gap");
    snprintf(gap.detail, sizeof gap.detail, "{\"events_in_server_log\": %lld, \"why\": \"%s\"}",
             static_cast<long long>(lost), why);
    gap.detail_length = strlen(gap.detail);
    return gap;
}

} // namespace listguard::pg
