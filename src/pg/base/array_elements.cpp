#include "pg/base/array_elements.h"

extern "C" {
#include "catalog/pg_type_d.h"
#include "utils/array.h"
}

namespace listguard::pg {

ArrayElements array_elements(Datum array, Oid element_type)
{
    Assert(element_type == TEXTOID || element_type == BYTEAOID || element_type == CIDROID);
    ArrayElements elements;
    deconstruct_array(DatumGetArrayTypeP(array), element_type, -1, false, TYPALIGN_INT, &elements.values,
                      &elements.nulls, &elements.count);
    return elements;
}

} // namespace listguard::pg
