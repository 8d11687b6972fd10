#include "pg/base/catalog.h"

extern "C" {
#include "catalog/dependency.h"
#include "catalog/namespace.h"
#include "catalog/indexing.h"
#include "catalog/pg_class.h"
#include "catalog/pg_extension.h"
#include "catalog/pg_type.h"
#include "commands/extension.h"
#include "utils/acl.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"
}

namespace listguard::pg {

namespace {

ListguardObjects objects;
bool objects_valid = false;
Oid last_grants = InvalidOid; // kept when the objects are forgotten

Oid member_or_invalid(Oid extension, Oid class_id, Oid object)
{
    return OidIsValid(object) && getExtensionOfObject(class_id, object) == extension ? object : InvalidOid;
}

Oid member_table(Oid extension, const char* name, Oid schema)
{
    return member_or_invalid(extension, RelationRelationId, get_relname_relid(name, schema));
}

} // namespace

const ListguardObjects& listguard_objects()
{
    if (objects_valid)
        return objects;
    ListguardObjects found;
    // Found through the extension, never by name alone: a database owner can
    // make a schema called listguard, with an enum called email and tables
    // of other columns, where the extension is not installed. Each object
    // must be a member of the extension.
    // (The schema's name, a syscache probe, first: most databases have none.)
    Oid extension =
        OidIsValid(get_namespace_oid("listguard", true)) ? get_extension_oid("listguard", true) : InvalidOid;
    if (OidIsValid(extension)) {
        found.schema = extension_row(extension).schema;
        found.email_type = member_or_invalid(
            extension, TypeRelationId,
            GetSysCacheOid2(TYPENAMENSP, Anum_pg_type_oid, CStringGetDatum("email"), ObjectIdGetDatum(found.schema)));
        found.grants = member_table(extension, "grants", found.schema);
        found.protected_tables = member_table(extension, "protected_tables", found.schema);
        found.audit_log = member_table(extension, "audit_log", found.schema);
        found.canaries = member_table(extension, "canaries", found.schema);
        found.audit_heads = member_table(extension, "audit_heads", found.schema);
        found.stamp_queue = member_table(extension, "stamp_queue", found.schema);
        found.audit_archives = member_table(extension, "audit_archives", found.schema);
        found.reveal_summaries = member_table(extension, "reveal_summaries", found.schema);
    }
    objects = found;
    if (OidIsValid(found.grants))
        last_grants = found.grants;
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

Oid listguard_member_relation(const char* name)
{
    Oid schema = listguard_objects().schema;
    if (!OidIsValid(schema))
        return InvalidOid;
    Oid extension = get_extension_oid("listguard", true);
    return OidIsValid(extension) ? member_table(extension, name, schema) : InvalidOid;
}

bool listguard_objects_complete() noexcept
{
    return objects_valid && OidIsValid(objects.canaries) && OidIsValid(objects.audit_heads) &&
           OidIsValid(objects.reveal_summaries);
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

bool is_last_known_grants_table(Oid relid) noexcept
{
    return OidIsValid(relid) && relid == last_grants;
}

bool is_remembered_listguard_table(Oid relid) noexcept
{
    return objects_valid && OidIsValid(relid) &&
           (relid == objects.grants || relid == objects.protected_tables || relid == objects.audit_log ||
            relid == objects.canaries || relid == objects.audit_heads);
}

ExtensionRow extension_row(Oid extension)
{
    ExtensionRow row;
    Relation rel = table_open(ExtensionRelationId, AccessShareLock);
    ScanKeyData key;
    ScanKeyInit(&key, Anum_pg_extension_oid, BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(extension));
    SysScanDesc scan = systable_beginscan(rel, ExtensionOidIndexId, true, nullptr, 1, &key);
    HeapTuple tuple = systable_getnext(scan);
    if (HeapTupleIsValid(tuple)) {
        auto* form = reinterpret_cast<Form_pg_extension>(GETSTRUCT(tuple));
        row.owner = form->extowner;
        row.schema = form->extnamespace;
    }
    systable_endscan(scan);
    table_close(rel, AccessShareLock);
    return row;
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
