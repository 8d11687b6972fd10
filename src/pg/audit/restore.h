// Restoring a dump into a database where listguard was just created: the
// dump's audit history arrives by COPY into listguard.audit_log (a
// superuser's insert), after the writer may already have appended the
// restore's own first events. The restored rows keep their ids and links;
// the writer's rows they collide with are taken out and appended again
// after them when the restoring transaction commits. So the restored
// database holds the whole history, in order, and verify_audit() covers it.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// A superuser inserts event `id`, which names `prev_link` as its
// predecessor's link, into the log (BEFORE ROW).
void audit_restored_row(int64 id, const uint8* prev_link);

// The statement's inserted rows as a JSON event detail (AFTER STATEMENT),
// or null if it inserted none.
char* audit_restored_rows_json();

// True while restore code deletes the rows it moves.
bool audit_restore_moving();

// The transaction ended: moved events are queued again if it committed.
void audit_restore_at_transaction_end(bool committed);

} // namespace listguard::pg
