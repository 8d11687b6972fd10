// Events that the audit trail keeps: denials, quota exhaustion, reveals,
// grants. record_event() survives the rollback of the transaction that
// raised it.
#pragma once

#include "postgres_c.h"

namespace listguard::pg {

enum class EventKind {
    QuotaExceeded,
};

const char* event_kind_name(EventKind kind) noexcept;

// detail_json: a JSON object (no address in it, ever).
void record_event(EventKind kind, const char* detail_json);

} // namespace listguard::pg
