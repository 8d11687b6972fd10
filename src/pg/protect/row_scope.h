// What listguard reads from a row of a protected table: its scope (account
// and list, from the protected table's columns) and its listguard.email
// columns.
#pragma once

#include "pg/base/postgres_c.h"
#include "pg/protect/protection.h"

#include "core/email/sealed_email.h"

extern "C" {
#include "access/htup_details.h"
#include "utils/relcache.h"
}

namespace listguard::pg {

// The row's account and list; an error unless both are positive integers.
Stamp row_scope(Relation rel, HeapTuple tuple, const Protection& protection);
// The same of a row held as the table's values and nulls (a COPY's row
// before it is formed).
Stamp row_scope(Relation rel, const Datum* values, const bool* nulls, const Protection& protection);

// The attribute numbers of a table's listguard.email columns (domains over
// the type included), remembered for the table and tuple descriptor last
// asked about: a COPY asks once per row.
struct EmailColumns {
    Oid relid = InvalidOid;
    TupleDesc desc = nullptr;
    int count = 0;
    int attnums[MaxHeapAttributeNumber];
};
const EmailColumns& email_columns(Relation rel);

} // namespace listguard::pg
