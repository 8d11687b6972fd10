// What listguard did since the server started, counted per database in
// shared memory for listguard.metrics (pg/monitor): values shown per role
// and reveal level, audit events per kind, refusals per reason, canary hits
// per verdict, events that went to the server log, gap events, archived
// events; and a few gauges (a standby link's state). Counters start at
// zero with the server, as Prometheus counters do; nothing here holds an
// address or any text a role typed: names are listguard's own (kinds,
// reasons, levels, verdicts), roles are kept by OID.
#pragma once

#include "pg/base/postgres_c.h"

#include "core/access/reveal_level.h"

namespace listguard::pg {

enum class Counter : uint16 {
    Reveals,             // role, name: the reveal level
    Events,              // name: the event kind, as raised here
    Denials,             // name: the reason (listguard's, or "other")
    CanaryHits,          // name: the verdict
    AuditOverflow,       // events that went to the server log for want of room
    AuditGaps,           // audit_gap events the writer appended
    EventsArchived,      // events archive_audit() moved into segments
    EventsAppended,      // events the writer appended (after aggregation)
    RowsStamped,         // rows protect() and stamp_existing() stamped
    StandbyLinkUp,       // gauge: 1 while this standby's link reaches the primary, else 0
    StandbyLinkFailures, // the link's failed attempts
    KeyValues,           // gauge, name: a seal key's id; values it sealed at the last key_usage()
    KeyUsageAt,          // gauge: when key_usage() last counted them (Unix seconds)
};

constexpr int kCounterNameSize = 32;

// Adds n to a counter (role: InvalidOid unless it is per role; name: empty
// unless it has one). Never reports an error: when the table is full
// (4096 counters), a count under a new label goes to its counter's
// "(other)" entry if that exists, and is dropped otherwise.
void count(Oid database, Counter counter, int64 n = 1, const char* name = "", Oid role = InvalidOid) noexcept;
void set_gauge(Oid database, Counter counter, int64 value, const char* name = "") noexcept;

// Removes every value of a counter in a database (gauges whose names
// change: the key ids of KeyValues).
void clear_counter(Oid database, Counter counter) noexcept;

// A value shown to the current role at `level`: counted in the backend, and
// added to the shared counters at the end of the statement (flush_reveals)
// or every few thousand values.
void note_reveal(RevealLevel level) noexcept;
void flush_reveals() noexcept;

struct CounterValue {
    Counter counter;
    Oid role;
    char name[kCounterNameSize];
    int64 value;
};
// Every counter of a database; palloc'd.
CounterValue* counter_snapshot(Oid database, int* count);

// Shared memory (pg/module/shared_memory.cpp).
Size counters_shared_size();
void attach_counters_shared();

} // namespace listguard::pg
