// ORMs save a row by writing every column back, the address as it was
// read: a mask, a pseudonym or a sealed token. A sealed token is a value
// (the input opens it). A mask or a pseudonym comes in as a placeholder
// (pg/type/placeholders.h) and is accepted in one place only: as the new
// value of an email column in an UPDATE (SET email = the text, a literal or
// a parameter), where, at planning, it becomes
// listguard._written_back(email, <it>, table, column): the value it
// replaces, unchanged, if the text is exactly what the current role is
// shown of that value; else the input's error. Nothing is charged and no
// address changes. Anywhere else a placeholder is refused before the
// statement runs, as the input refused masks before.
#pragma once

#include "pg/base/postgres_c.h"

extern "C" {
#include "executor/execdesc.h"
#include "nodes/params.h"
#include "nodes/parsenodes.h"
}

namespace listguard::pg {

// After parse analysis: literals that became placeholders must each be the
// whole new value of an email column of an UPDATE.
void check_written_back_literals(Query* query);

// At planning: wraps the new values that may be placeholders (parameters,
// placeholder literals) of an UPDATE's email columns; with bound parameter
// values (a custom plan), refuses placeholders used anywhere else.
void plan_written_back(Query* query, ParamListInfo bound);

// ExecutorStart: parameters that became placeholders must be this
// statement's, an UPDATE's, and used only as wrapped new values (of a
// generic plan; a custom plan was checked when planned).
void check_written_back_parameters(QueryDesc* query);

} // namespace listguard::pg
