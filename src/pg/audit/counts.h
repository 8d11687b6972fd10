// Per-statement audit counts: clear reveals (per role, grant, account and
// list) and row changes of protected tables (per operation, account and
// list), counted as they happen and recorded as one event each at the end of
// the statement (or when the transaction ends, failed statements included).
#pragma once

#include "pg/base/postgres_c.h"

#include "core/access/decision.h"

namespace listguard::pg {

void count_clear_reveal(const Grant& grant, Stamp scope);

// The end of a statement (executor end, utility statement) records its
// reveal counts; the end of a transaction, committed or not, records
// whatever is still counted.
void audit_counts_at_statement_end();
void audit_counts_at_transaction_end();

// A row operation as a trigger event names it: 'i', 'u' or 'd'; and the
// operation's name in events.
char row_op(uint32 trigger_event);
const char* row_op_name(char op);

void count_row_change(Oid relid, char op, Stamp scope);
void report_row_changes(Oid relid, char op);

} // namespace listguard::pg
