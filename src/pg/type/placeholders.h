// Where the type's input may turn a mask or a pseudonym into a placeholder
// (core/email/placeholder.h) instead of refusing it: only for text a client
// sends at the top level, a literal of a statement it parses or a parameter
// it binds, never while a statement or a utility command runs (COPY FROM, a
// function's body, a cast made for each row). Each placeholder made is
// pending until pg/output/write_back.h finds it where an UPDATE writes it
// back, or refuses the statement.
#pragma once

#include "pg/base/postgres_c.h"

#include "core/email/placeholder.h"

namespace listguard::pg {

// The hooks bracket every executor call and utility command with these.
void enter_statement_work();
void leave_statement_work();

bool placeholders_allowed();
void note_placeholder_made(ShownForm form);
int pending_placeholders();
// Has this backend ever made one? (Until it has, planning need not look.)
bool placeholders_ever_made();
void clear_pending_placeholders();

// Reports the input's error for the placeholders pending (what the input
// reported before write-backs were accepted), and clears them.
[[noreturn]] void refuse_pending_placeholders();

// The transaction ended: nothing is pending. (The depth is not reset: a
// procedure's COMMIT ends a transaction inside a statement.)
void placeholders_at_transaction_end();

} // namespace listguard::pg
