// Progress of listguard's long operations (protect(), stamp_existing(),
// reseal_existing(), invalid_addresses(), retire_key(), the background
// stamping of protected tables), for listguard.progress: one slot per
// backend in shared memory, which the backend alone writes and anyone
// (through the view's checks) reads. A NOTICE in the calling session at
// most every 10 seconds says the same.
//
// A slot belongs to the statement that filled it: a report from a new
// top-level statement starts the slot afresh, and the view shows a slot
// only while its backend still runs that statement. So a statement that
// fails, is cancelled or returns leaves nothing behind to clear.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// Reports where this backend's operation stands: `command` names it (the
// first command reported in a statement keeps the slot: a protect() that
// stamps rows stays "protect"), `relid` the table it works on now (its
// name is read then), `phase` what it does, blocks of that table done and
// in all, rows added to the operation's count. Reads the catalogs when the
// table changes: call it inside a transaction.
void report_progress(const char* command, Oid relid, const char* phase, int64 blocks_done, int64 blocks_total,
                     int64 rows_added);

// A background worker's operation spans many transactions: it begins and
// ends it by hand (begin_progress keeps one start time for all of them).
void begin_progress(const char* command);
void end_progress();

struct ProgressRow {
    int pid;
    char command[32];
    Oid relid;
    char table[2 * NAMEDATALEN + 2];
    char phase[48];
    int64 blocks_done;
    int64 blocks_total;
    int64 rows;
    TimestampTz started;
    TimestampTz updated;
};
// The operations running in a database; palloc'd.
ProgressRow* progress_snapshot(Oid database, int* count);

Size progress_shared_size();
void attach_progress_shared();

} // namespace listguard::pg
