// Lookups that compare an address's text, as ORMs write them
// (email::text = x, upper(email::text) = upper(x), lower(...) = lower(...)),
// become the type's own equality at planning: email = the address x (null
// if x is no address). The same rows (the type's equality is case-
// insensitive, on the canonical address; a masked role finds its row too,
// where the text comparison found only masks), through an index, and
// without showing, charging or counting one address. Other comparisons of
// an address's clear text (LIKE, ranges, regular expressions) are not
// rewritten: they reveal, and are charged, since they are how an address is
// guessed a character at a time.
#pragma once

#include "pg/base/postgres_c.h"

extern "C" {
#include "nodes/parsenodes.h"
}

namespace listguard::pg {

// In place, in every WHERE and JOIN condition of the query and of the
// queries inside it.
void rewrite_address_lookups(Query* query);

} // namespace listguard::pg
