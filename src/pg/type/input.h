// The type's text input, for functions that read addresses from text
// themselves (migration helpers).
#pragma once

#include "pg/base/guard.h"
#include "pg/base/postgres_c.h"

namespace listguard::pg {

// What the input function does with text in the database encoding: a
// sealed, fresh value in *result, or false and the reason in `error` (the
// same the input function would report; never the address).
bool seal_text(const char* s, size_t len, Datum* result, PendingError& error);

} // namespace listguard::pg
