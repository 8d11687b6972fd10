// Restoring a dump into a database where listguard was just created: the
// dump's audit history arrives by COPY into listguard.audit_log (a
// superuser's insert), after the writer may already have appended the
// restore's own first events. The restored rows keep their ids and links;
// the writer's rows they collide with are taken out and appended again
// after them, followed by the restore's own record (an audit_log_modified
// INSERT event with the restored ids, which verify_audit() reads to know
// that a history came with a restore and needs a head), at the end of the
// restoring statement, in its transaction: never through the shared queue,
// which any role can keep full. So the restored database holds the whole
// history, in order, and verify_audit() covers it.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// A superuser inserts event `id` into the log (BEFORE ROW).
void audit_restored_row(int64 id);

// After the statement (AFTER STATEMENT): if it inserted rows, appends the
// events it moved and the restore's record after them, in this
// transaction. Returns false if it inserted none.
bool audit_append_restore_record();

// True while restore code deletes the rows it moves.
bool audit_restore_moving();

// A subtransaction failed: what its statement gathered is gone with it.
void audit_restore_at_subtransaction_abort();

// The transaction ended: if it committed, the writer is woken to move the
// anchor to the chain's new end.
void audit_restore_at_transaction_end(bool committed);

} // namespace listguard::pg
