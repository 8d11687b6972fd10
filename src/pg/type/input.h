// The type's text input, for functions that read addresses from text
// themselves (migration helpers).
#pragma once

#include "pg/base/guard.h"
#include "pg/base/postgres_c.h"

#include "core/email/input.h"

namespace listguard::pg {

// What the input function does with text in the database encoding: a
// sealed, fresh value in *result, or false and the reason in `error` (the
// same the input function would report; never the address). A mask or a
// pseudonym is refused, or becomes a placeholder if asked (for the caller
// to resolve: core/email/placeholder.h).
bool seal_text(const char* s, size_t len, Datum* result, PendingError& error,
               ShownForms shown_forms = ShownForms::Refused);

// seal_text() for an address of a row whose stamp is already known (a
// batched COPY into a protected table, pg/protect/copy_from.cpp): the value
// sealed with that stamp in *result, or false for text that takes
// seal_text()'s way (a token, a mask, a pseudonym). Raises the input's own
// error for a malformed address.
bool seal_text_stamped(const char* s, size_t len, Stamp stamp, Datum* result);

// What seal_text() would refuse, without sealing (core/email/input.h's
// check_input()): false and the same reason in `error`.
bool check_text(const char* s, size_t len, PendingError& error);

} // namespace listguard::pg
