// The elements of a one-dimensional array of text, bytea or cidr (varlena,
// aligned on int) or of oid or regrole (passed by value), unpacked once.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

struct ArrayElements {
    Datum* values; // palloc'd, in the current memory context
    bool* nulls;
    int count;
};

// The elements of array (detoasted), whose element type is element_type.
ArrayElements array_elements(Datum array, Oid element_type);

} // namespace listguard::pg
