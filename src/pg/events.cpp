#include "events.h"

namespace listguard::pg {

const char* event_kind_name(EventKind kind) noexcept
{
    switch (kind) {
    case EventKind::QuotaExceeded:
        return "quota_exceeded";
    }
    return "unknown";
}

// Until the audit trail lands, events go to the server log as one JSON line
// each: a log line is written at once, so it survives any rollback.
void record_event(EventKind kind, const char* detail_json)
{
    ereport(LOG, (errmsg("listguard event: {\"kind\": \"%s\", \"detail\": %s}", event_kind_name(kind), detail_json),
                  errhidestmt(true)));
}

} // namespace listguard::pg
