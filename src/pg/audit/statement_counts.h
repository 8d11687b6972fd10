// Audit counts: clear reveals (per role, grant, account and list) and row
// changes of protected tables (per operation, account and list), counted as
// they happen.
//
// Reveals are recorded at the end of each statement and of each
// transaction, failed ones included: the values have left.
//
// Row changes are counted by the BEFORE ROW stamping trigger; the AFTER
// STATEMENT audit trigger of the table the statement named adds the
// statement's rows (of every partition and child below it) to the
// transaction's counts, so only rows of statements that completed count. A
// failed statement's counts go with its (sub)transaction. When the
// transaction ends, one rows_changed event per named table holds them all
// (several if they do not fit one): a single-row write costs one event per
// transaction, not per statement. A transaction that aborts is recorded too
// ("aborted": true, and its xid, which txid_status() calls aborted); rows
// of statements in a subtransaction rolled back after they completed are
// counted apart, under "rolled_back".
#pragma once

#include "pg/base/postgres_c.h"

#include "core/access/decision.h"

namespace listguard::pg {

// One of the current role's own canaries, as the sealed record of a
// clear_reveal event notes it (core/canary/reveal_record.h).
struct RevealedCanary {
    int64 id;
    int64 account; // its own account
    int32 slot;    // its slot there (-1: none)
};

// A value of this scope shown in clear under grant; canary: the role's own
// canary it is (null: none), recorded sealed inside the same clear_reveal
// event; summary_key: its key for the reveal summaries (reveal_spool.h),
// noted whether or not listguard.audit_reveals is on.
// principal_grant_id: the grant of the principal in force that authorised
// it too (0: none), recorded beside the role's.
void count_clear_reveal(const Grant& grant, Stamp scope, const RevealedCanary* canary, uint64 summary_key,
                        int64 principal_grant_id = 0);

// The room the sealed records need in this database (RevealRecord's
// slots_for the highest slot of its registry): the canary registry says so
// whenever it loads. Records never shrink within a backend.
void note_canary_record_slots(size_t slots) noexcept;

// A row operation as a trigger event names it: 'i', 'u' or 'd'; and the
// operation's name in events.
char row_op(uint32 trigger_event);
const char* row_op_name(char op);

void count_row_change(Oid relid, char op, Stamp scope);

// The AFTER STATEMENT trigger of `relid`: records the statement's `op` rows
// of relid and every table below it.
void report_row_changes(Oid relid, char op);

// Statement end (executor end, utility statement): reveals.
void audit_counts_at_statement_end();
// Transaction end: reveals; row counts no statement trigger took are
// recorded if it commits (a safety net) and dropped if it aborts.
void audit_counts_at_transaction_end(bool committing);
// Subtransaction end: a rolled-back statement's row counts are dropped.
void audit_counts_at_subtransaction_end(bool committed);

} // namespace listguard::pg
