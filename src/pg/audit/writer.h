// The audit writer's loop (pg/audit/writer.cpp): what a database's worker
// (pg/worker) runs on a primary.
#pragma once

#include "pg/base/postgres_c.h"

#include "pg/audit/queue.h"

namespace listguard::pg {

// Appends what the queue holds for the database to its audit log until the
// worker is asked to stop or has been idle a while; the anchor follows.
void run_audit_writer(Oid database);

// Appends events to the log now, in a transaction of their own; false if
// they could not be (they are not put anywhere else).
bool append_events_now(const AuditEvent* events, int count);

} // namespace listguard::pg
