// The audit event queue: shared memory between the sessions that raise
// events and the per-database background workers that write them to
// listguard.audit_log in their own transactions, so that an event survives
// the rollback of the transaction that raised it. The queue is bounded:
// when it is full the event goes to the server log instead, and the gap is
// recorded in the audit log.
#pragma once

#include "pg/base/postgres_c.h"

#include "core/audit/event.h"

namespace listguard::pg {

// The event itself is plain bytes, defined in the core (shipments, which
// carry it, are checked there): its types must be PostgreSQL's.
static_assert(kEventNameSize == NAMEDATALEN, "core/audit/event.h: kEventNameSize must be NAMEDATALEN");
static_assert(sizeof(AuditEvent::database) == sizeof(Oid) && sizeof(AuditEvent::time) == sizeof(TimestampTz) &&
              sizeof(AuditEvent::sequence) == sizeof(int64) && sizeof(AuditEvent::xid) == sizeof(uint64));

// Shared memory (see shared_memory.h): its size, and attaching (with
// AddinShmemInitLock held).
Size audit_queue_shared_size();
void attach_audit_queue_shared();

// Puts an event in the queue and wakes (or starts) its database's writer.
// Returns false when the queue is full: the caller logs the event.
bool audit_enqueue(AuditEvent& event);

// Wakes (or starts) the database's writer, with no event for it: on a hot
// standby a backend waiting for a quota lease does this (pg/replica).
void audit_wake_writer(Oid database);

// Puts events the writer took back at the front of the queue, in their
// order, to be written again (the writer could not append them, or a
// restore moved them). Returns how many found room; the caller logs the rest.
int audit_requeue(Oid database, const AuditEvent* events, int count);

// Counts an event that went to the server log for want of room.
void audit_note_overflow(Oid database);

// Writer side: takes up to `max` events of `database`, oldest first, and how
// many of its events went to the server log since the last call.
int audit_dequeue(Oid database, AuditEvent* out, int max, int64* overflowed);

// The writer has committed (or logged) what it last took.
void audit_batch_done(Oid database);

// The writer holds `held` events it aggregates (per second) and has yet to
// append: pending for audit_pending().
void audit_set_held(Oid database, int64 held);

// Starts a writer for each database whose events wait without one (its
// start failed, or no writer entry was free); the housekeeper calls this.
void audit_start_waiting_writers();

// Events of a database not yet in its audit log (queued or being written,
// and the gap events owed to it).
int64 audit_pending(Oid database);

// The postmaster, when it sets up shared memory after a crash (or on a
// start after one): every database's log gets a gap event before its next.
void audit_note_crash();
// Whether this database's next batch must carry the crash's gap event
// (true once per database: the event is then queued like any other).
bool audit_take_crash_gap(Oid database);
// Whether this server started (or restarted) after a crash.
bool audit_after_crash();

// For the metrics: the time of the oldest event of the database still in
// the queue (0: none), how many slots the queue has in use (every
// database's) and whether the database has a writer running.
struct QueueState {
    TimestampTz oldest = 0;
    int used = 0;
    int size = 0;
    bool writer_running = false;
};
QueueState audit_queue_state(Oid database);

// How many databases have a writer (on a standby: a link) running now.
int audit_writers_running();

// Registers the calling process as its database's writer; false if another
// one is already registered.
bool audit_register_writer(Oid database);
void audit_unregister_writer(Oid database);

} // namespace listguard::pg
