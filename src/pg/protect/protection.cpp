#include "pg/protect/protection.h"

#include "pg/base/catalog.h"

extern "C" {
#include "access/htup_details.h"
#include "utils/builtins.h"
}

namespace listguard::pg {

Protection protection_of(Oid relid)
{
    Protection p;
    Oid config = listguard_objects().protected_tables;
    if (!OidIsValid(config) || !OidIsValid(relid))
        return p;
    AttrNumber a_relid = listguard_column(config, "relid");
    AttrNumber a_account = listguard_column(config, "account_column");
    AttrNumber a_list = listguard_column(config, "list_column");
    scan_listguard_table(config, [&](HeapTuple tuple, TupleDesc desc) {
        bool isnull;
        if (DatumGetObjectId(heap_getattr(tuple, a_relid, desc, &isnull)) != relid)
            return true;
        p.is_protected = true;
        p.account_column = pstrdup(NameStr(*DatumGetName(heap_getattr(tuple, a_account, desc, &isnull))));
        Datum list = heap_getattr(tuple, a_list, desc, &isnull);
        p.list_column = isnull ? nullptr : pstrdup(NameStr(*DatumGetName(list)));
        return false;
    });
    return p;
}

bool is_scope_column(const Protection& p, const char* column)
{
    return column != nullptr && ((p.account_column && strcmp(column, p.account_column) == 0) ||
                                 (p.list_column && strcmp(column, p.list_column) == 0));
}

} // namespace listguard::pg
