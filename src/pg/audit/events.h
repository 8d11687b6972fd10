// Events for the audit trail: denials, quota exhaustion, clear reveals, row
// changes on protected tables, grants and protection changes. An event is
// recorded at once, outside the transaction that raised it (it survives a
// rollback), through the audit queue to listguard.audit_log; on a hot standby,
// when the queue is full or when listguard.log_events is on, it also goes to
// the server log as one JSON line. No event ever holds an address: where an
// event concerns one, it holds its keyed digest.
#pragma once

#include <optional>

#include "pg/base/postgres_c.h"

#include "core/audit/event.h"
#include "core/email/sealed_email.h"

namespace listguard::pg {

enum class EventKind {
    QuotaExceeded,
    Denied,
    ClearReveal,
    RowsChanged,
    RowChanged,
    Grant,
    Revoke,
    Protect,
    Unprotect,
    ProtectionChanged,
    Extension,
    AuditLogModified,
    RoleChanged,
    CatalogModified,
    Key,
    AccessRequest,
    Canary,
    Dump,
    Principal, // principals and applications registered, changed or dropped
    AuditArchived,
};
constexpr EventKind kLastEventKind = EventKind::AuditArchived; // a new kind goes before it, or becomes it

const char* event_kind_name(EventKind kind) noexcept;

// Whether a name is one of the kinds above, or audit_gap (the writer's).
bool is_event_kind_name(const char* name) noexcept;

struct EventScope {
    std::optional<int64> account;
    std::optional<int64> list;
    Oid relation = InvalidOid;
    const char* relation_name = nullptr; // when relation is gone (a drop)
    const uint8* digests = nullptr;      // 16 octets each
    int digest_count = 0;
    const char* counts_json = nullptr;
    uint64 xid = 0; // the event's transaction id when it is not the current one (0: the current one)
};

// The scope of an event about a value's account and list (in a table, if
// given), and of an event about a table.
EventScope scope_of(Stamp stamp, Oid relation = InvalidOid);
EventScope table_scope(Oid relation);

// detail_json: a JSON object. Never errors out (an event that cannot be
// queued is logged), so it is safe just before ereport(ERROR).
void record_event(EventKind kind, const char* detail_json, const EventScope& scope = {});

// The event record_event() would queue, made into *out (for one appended
// in the current transaction instead: a restore's own record, archive_audit()'s
// audit_archived).
void make_event(EventKind kind, const char* detail_json, const EventScope& scope, AuditEvent* out);

// An event about one of listguard's records (an access request, a canary),
// from the arguments of the SQL function that records it: (action text,
// id bigint, account bigint, list bigint, detail jsonb, ...). Its detail is
// {"action": action, "<id_name>": id (if not null), "detail": detail}; scope
// gets the account and list.
void record_action_event(FunctionCallInfo fcinfo, EventKind kind, const char* id_name, EventScope scope);

// A JSON string literal for a value (escaped, quoted), palloc'd.
char* json_string(const char* value);

// An audit_gap event in the writer's name: `lost` events went to the server
// log instead of the table, for the reason `why` (plain text, no quotes).
AuditEvent audit_gap_event(Oid database, int64 lost, const char* why);

// The audit_gap event of a crash: what was queued, or went to the server
// log uncounted, before it may be missing.
AuditEvent audit_crash_gap_event(Oid database);

// The event as one JSON line in the server log; `why` says why it is there
// ("", " (standby)", " (audit queue full)", ...). Reads no catalog.
void log_event(const AuditEvent& event, const char* why);

} // namespace listguard::pg
