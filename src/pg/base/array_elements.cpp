#include "pg/base/array_elements.h"

extern "C" {
#include "catalog/pg_type_d.h"
#include "utils/array.h"
}

namespace listguard::pg {

ArrayElements array_elements(Datum array, Oid element_type)
{
    bool by_value = element_type == OIDOID || element_type == REGROLEOID;
    Assert(by_value || element_type == TEXTOID || element_type == BYTEAOID || element_type == CIDROID);
    ArrayElements elements;
    deconstruct_array(DatumGetArrayTypeP(array), element_type, by_value ? sizeof(Oid) : -1, by_value, TYPALIGN_INT,
                      &elements.values, &elements.nulls, &elements.count);
    return elements;
}

} // namespace listguard::pg
