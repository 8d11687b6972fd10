// A standby's audit events that its link could not ship, kept on disk
// (pg_listguard/standby-events.<database oid>) until the primary can be
// reached again, so that they survive a restart or crash of the standby,
// and a promotion (the new primary's writer appends them to its own log).
// The file is a shipment (core/audit/shipment.h) that grows.
// Bounded: beyond kMaxSpilledEvents an event stays only in the server log
// and is counted for the next audit_gap.
#pragma once

#include "pg/base/postgres_c.h"

#include "pg/audit/queue.h"

namespace listguard::pg {

constexpr int kMaxSpilledEvents = 20000; // about 60 MB

// Appends events to the file (made and flushed to disk). Returns how many
// found room.
int spill_events(Oid database, const AuditEvent* events, int count);

// Reads up to `max` events from event number `from` on; 0 at the end.
int read_spilled(Oid database, int from, AuditEvent* out, int max);

// Every spilled event is in a log now: the file goes.
void drop_spilled(Oid database);

// Starts the writer (a standby's link) of every database with spilled
// events: after a restart nothing else may wake them.
void wake_writers_of_spilled_events();

} // namespace listguard::pg
