// The audit writer's side of the reveal summaries: it folds the spool files
// of its database (reveal_spool.h) into listguard.reveal_summaries, one row
// per role, day and part (core/canary/reveal_summary.h).
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// Folds what the spool files hold and the table does not yet; inside a
// transaction, with SPI connected. Returns the keys folded (-1: this
// database has no reveal_summaries table yet, the files wait).
int64 fold_reveal_spool(Oid database);

// After the transaction: files folded whole are renamed .folded (readers
// still read them a while, kSpoolGraceSeconds, then they go), and where the
// live files were read up to is remembered. committed false: nothing changes.
void finish_reveal_spool(bool committed);

// Starts (or wakes) the writer of each database with spool files waiting:
// the housekeeper calls this, so that summaries are folded even when no
// audit event starts a writer (listguard.audit_reveals off).
void wake_writers_for_spool();

constexpr int kSpoolGraceSeconds = 600;

} // namespace listguard::pg
