#include "pg/protect/database_guard.h"

#include <sys/stat.h>

#include "pg/access/roles.h"
#include "pg/audit/anchor.h"
#include "pg/audit/events.h"

extern "C" {
#include "access/xact.h"
#include "commands/dbcommands.h"
#include "nodes/parsenodes.h"
#include "storage/fd.h"
#include "utils/builtins.h"
}

namespace listguard::pg {

void check_database_statement(Node* stmt)
{
    if (!IsA(stmt, DropdbStmt) || !IsTransactionState())
        return;
    auto* drop = castNode(DropdbStmt, stmt);
    Oid database = get_database_oid(drop->dbname, true);
    if (!OidIsValid(database))
        return;
    struct stat st;
    if (::stat(audit_anchor_path(database), &st) != 0)
        return; // listguard never kept an audit trail there
    char* detail = psprintf("{\"action\": \"drop database\", \"database\": %s}", json_string(drop->dbname));
    if (is_admin(GetUserId())) {
        record_event(EventKind::ProtectionChanged, detail);
        return;
    }
    record_event(EventKind::Denied, detail);
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    errmsg("permission denied to drop database \"%s\"", drop->dbname),
                    errdetail("listguard keeps an audit trail in it: dropping it would erase the trail and its "
                              "protected tables."),
                    errhint("Only superusers and members of listguard_admin may drop it.")));
}

} // namespace listguard::pg
