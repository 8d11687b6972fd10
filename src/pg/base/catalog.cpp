#include "pg/base/catalog.h"

extern "C" {
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "utils/acl.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
}

namespace listguard::pg {

namespace {

ListguardObjects objects;
bool objects_valid = false;

} // namespace

const ListguardObjects& listguard_objects()
{
    if (objects_valid)
        return objects;
    ListguardObjects found;
    found.schema = get_namespace_oid("listguard", true);
    if (OidIsValid(found.schema)) {
        found.email_type =
            GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("email"), ObjectIdGetDatum(found.schema));
        found.grants = get_relname_relid("grants", found.schema);
        found.protected_tables = get_relname_relid("protected_tables", found.schema);
        found.audit_log = get_relname_relid("audit_log", found.schema);
        found.canaries = get_relname_relid("canaries", found.schema);
        found.audit_heads = get_relname_relid("audit_heads", found.schema);
    }
    objects = found;
    // Remembered once the extension's core is there: the extension may be
    // created later in this session. A set that lacks any object is kept
    // only until the next relcache invalidation of any relation
    // (listguard_objects_complete()): CREATE EXTENSION's script may be
    // half-way through (a restore in one transaction goes on to fill
    // audit_heads), or ALTER EXTENSION UPDATE may add the rest.
    objects_valid = OidIsValid(found.email_type) && OidIsValid(found.grants) && OidIsValid(found.protected_tables) &&
                    OidIsValid(found.audit_log);
    return objects;
}

bool listguard_objects_complete() noexcept
{
    return objects_valid && OidIsValid(objects.canaries) && OidIsValid(objects.audit_heads);
}

void forget_listguard_objects() noexcept
{
    objects_valid = false;
}

const ListguardObjects& remembered_listguard_objects() noexcept
{
    static const ListguardObjects none;
    return objects_valid ? objects : none;
}

bool is_remembered_listguard_table(Oid relid) noexcept
{
    return objects_valid && OidIsValid(relid) &&
           (relid == objects.grants || relid == objects.protected_tables || relid == objects.audit_log ||
            relid == objects.canaries || relid == objects.audit_heads);
}

Oid admin_role()
{
    return get_role_oid("listguard_admin", true);
}

AttrNumber listguard_column(Oid relid, const char* name)
{
    AttrNumber n = get_attnum(relid, name);
    if (n == InvalidAttrNumber)
        ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                        errmsg("listguard table %s has no column \"%s\"", get_rel_name(relid), name),
                        errhint("Update the listguard extension: ALTER EXTENSION listguard UPDATE.")));
    return n;
}

} // namespace listguard::pg
