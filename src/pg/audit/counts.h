// Per-statement audit counts: clear reveals (per role, grant, account and
// list) and row changes of protected tables (per operation, account and
// list), counted as they happen and recorded as one event each at the end of
// the statement (or when the transaction ends, failed statements included).
#pragma once

#include "pg/base/postgres_c.h"

#include "core/access/decision.h"

namespace listguard::pg {

void count_clear_reveal(const Grant& grant, Stamp scope);
void report_clear_reveals();

// A row operation as a trigger event names it: 'i', 'u' or 'd'; and the
// operation's name in events.
char row_op(uint32 trigger_event);
const char* row_op_name(char op);

void count_row_change(Oid relid, char op, Stamp scope);
void report_row_changes(Oid relid, char op);

// ExecutorEnd hook and transaction callback; called from _PG_init.
void install_audit_stats();

} // namespace listguard::pg
