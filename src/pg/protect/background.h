// Stamping protected tables in the background: protect() stamps what it can
// under its lock (listguard.protect_stamp_budget) and queues the rest in
// listguard.stamp_queue, with how far it got; the database's maintenance
// worker (pg/worker/maintenance.h) stamps the queue in committed batches,
// each batch recording how far it got in the same transaction, so that a
// crash, a restart or a stopped worker resumes where it stopped. Rows
// written meanwhile are stamped by the table's trigger. A marker file per
// database (pg_listguard/stamping.<oid>) tells the housekeeper, which has no
// database, where work may wait.
#pragma once

#include "pg/base/postgres_c.h"

extern "C" {
#include "nodes/pg_list.h"
}

namespace listguard::pg {

// protect() queued tables: the marker is written now, and the maintenance
// worker starts when the transaction commits.
void request_background_stamping();
void background_stamping_at_transaction_end(bool committed);

// Databases whose stamp queue may hold work (their marker files); Oid list.
List* databases_with_stamping_queued();

// Starts the maintenance worker of a database (a dynamic background
// worker; one that finds another running leaves at once).
void start_maintenance_worker(Oid database);

// The maintenance worker's part: stamps what the queue holds, a batch of
// blocks per transaction, until it is empty (then the marker goes), the
// server stops or listguard.background_stamping is turned off.
void run_background_stamping();

// Whether this process is the background stamping (which alone, besides
// listguard's elevated code and restores, writes listguard.stamp_queue).
bool in_background_stamping() noexcept;

} // namespace listguard::pg
