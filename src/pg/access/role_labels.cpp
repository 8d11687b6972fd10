#include "pg/access/role_labels.h"

#include "pg/access/gated_functions.h"

extern "C" {
#include "catalog/objectaddress.h"
#include "catalog/pg_authid.h"
#include "commands/seclabel.h"
#include "utils/acl.h"
}

namespace listguard::pg {

namespace {

ObjectAddress role_address(Oid role)
{
    ObjectAddress address;
    address.classId = AuthIdRelationId;
    address.objectId = role;
    address.objectSubId = 0;
    return address;
}

// SECURITY LABEL FOR listguard: superusers only (a restore of pg_dumpall's
// globals sets them back), on roles only, with a known label.
void check_relabel(const ObjectAddress* object, const char* label)
{
    if (!superuser())
        ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                        errmsg("permission denied to change a listguard security label"),
                        errdetail("listguard labels mark the roles that hold listguard power; only superusers and "
                                  "listguard itself may set or remove them.")));
    if (object->classId != AuthIdRelationId)
        ereport(ERROR,
                (errcode(ERRCODE_FEATURE_NOT_SUPPORTED), errmsg("listguard security labels apply to roles only")));
    if (label != nullptr && strcmp(label, kCreatedRoleLabel) != 0 && strcmp(label, kGranteeLabel) != 0)
        ereport(ERROR,
                (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("invalid listguard security label \"%s\"", label),
                 errhint("listguard labels are \"%s\" and \"%s\".", kCreatedRoleLabel, kGranteeLabel)));
}

} // namespace

const char* role_label(Oid role)
{
    ObjectAddress address = role_address(role);
    return GetSecurityLabel(&address, "listguard");
}

void label_role(Oid role, const char* label)
{
    ObjectAddress address = role_address(role);
    const char* current = GetSecurityLabel(&address, "listguard");
    // A created role keeps its mark even if it also receives grants.
    if (current != nullptr && (strcmp(current, label) == 0 || strcmp(current, kCreatedRoleLabel) == 0))
        return;
    SetSecurityLabel(&address, "listguard", label);
}

void register_role_labels()
{
    register_label_provider("listguard", check_relabel);
}

} // namespace listguard::pg
