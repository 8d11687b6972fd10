// Events that protect()'s SQL records itself: what it changed besides the
// table (the sequences it took over).
#include "pg/audit/events.h"
#include "pg/base/preload.h"

extern "C" {
#include "utils/builtins.h"
#include "utils/jsonb.h"

PG_FUNCTION_INFO_V1(lg_record_protection_event);
}

using namespace listguard::pg;

// listguard._record_protection_event(tbl regclass, detail jsonb): a
// protection_changed event of the table, with the detail given.
extern "C" Datum lg_record_protection_event(PG_FUNCTION_ARGS)
{
    require_preload();
    Oid relid = PG_GETARG_OID(0);
    Jsonb* detail = PG_GETARG_JSONB_P(1);
    char* detail_json = JsonbToCString(nullptr, &detail->root, VARSIZE(detail));
    record_event(EventKind::ProtectionChanged, detail_json, table_scope(relid));
    PG_RETURN_VOID();
}
