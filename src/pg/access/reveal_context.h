// Where a value may not be shown in clear. Output functions are called for
// query results, and also by whatever prints a value for a log:
// auto_explain prints plans (constants and parameters included) in its
// ExecutorEnd hook, pgaudit prints parameters in its ExecutorStart hook,
// EXPLAIN prints plans. Those must never show an address or charge a quota.
//
// So while executor hooks prepare or finish a query (ExecutorStart and
// ExecutorEnd, with every library's hook inside listguard's), and while
// EXPLAIN prints, a value the role would see in clear is shown masked, and
// neither charged nor recorded. A query run inside those (EXPLAIN ANALYZE)
// shows its results as usual (ExecutorRun, ExecutorFinish). Everywhere else
// (results sent during a run or from a portal's store, COPY, casts in DO
// and CALL bodies, a WAL sender) the role's reveal level applies.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

enum class RevealPhase : uint8 {
    Executing,  // ExecutorRun, ExecutorFinish
    Preparing,  // ExecutorStart, ExecutorEnd (the whole hook chain)
    Explaining, // EXPLAIN
};

bool clear_reveal_allowed();

// Brackets a phase; the hooks pop it on every way out (PG_FINALLY).
void enter_reveal_phase(RevealPhase phase);
void leave_reveal_phase();

// The phase a utility statement runs in, if it has one (EXPLAIN).
bool utility_reveal_phase(Node* stmt, RevealPhase* phase);

} // namespace listguard::pg
