// A row of listguard.audit_log: its columns, how an event becomes one, and
// its canonical bytes, which the writer chains and verify_audit() checks.
// Both compute them from the row's typed values, so a row read back gives
// exactly the bytes it was written with.
#pragma once

#include "pg/base/postgres_c.h"

#include "pg/audit/queue.h"

#include "core/audit/chain.h"

extern "C" {
#include "lib/stringinfo.h"
}

namespace listguard::pg {

// Columns of listguard.audit_log, in table order.
enum AuditColumn {
    kId,
    kLoggedAt,
    kKind,
    kSessionUser,
    kCurrentUser,
    kClientAddr,
    kApplicationName,
    kBackendPid,
    kXid,
    kAccount,
    kList,
    kRelation,
    kEmailDigests,
    kCounts,
    kDetail,
    kPrevLink,
    kLink,
    kOrigin, // the server that raised the event (a standby's name); null for this one
    kFormat, // the canonical encoding the link was made with (core/audit/chain.h)
    kAuditColumns
};

extern const Oid kAuditColumnTypes[kAuditColumns];

// The row for an event (all columns but kLink), with the given id and
// previous link.
void audit_row_from_event(const AuditEvent& event, int64 id, const uint8* prev_link, Datum* values, bool* nulls);

// The event a row holds (its id and links aside): how events the writer
// already appended are taken back and appended again after a restore.
void audit_event_from_row(const Datum* values, const bool* nulls, AuditEvent* event);

// A new bytea holding a copy of the given octets.
Datum bytea_datum(const uint8* data, size_t size);

// The chain link of a row, from its values (kLink ignored); with
// `canonical`, its canonical bytes (what the link covers) are appended there
// too, and its encoding set (an archived segment keeps them).
void audit_row_link(const Datum* values, const bool* nulls, uint8* link_out, StringInfo canonical = nullptr,
                    ChainEncoding* encoding_out = nullptr);

} // namespace listguard::pg
