#include "pg/protect/database_guard.h"

#include <sys/stat.h>

#include "pg/access/roles.h"
#include "pg/audit/anchor.h"
#include "pg/audit/events.h"
#include "pg/keys/database_registry.h"

extern "C" {
#include "access/xact.h"
#include "commands/dbcommands.h"
#include "commands/defrem.h"
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
    ereport(ERROR,
            (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE), errmsg("permission denied to drop database \"%s\"", drop->dbname),
             errdetail("listguard keeps an audit trail in it: dropping it would erase the trail and its "
                       "protected tables."),
             errhint("Only superusers and members of listguard_admin may drop it.")));
}

void after_database_statement(Node* stmt)
{
    if (!IsA(stmt, CreatedbStmt))
        return;
    // A copy of a database with listguard holds its values too: it is
    // registered like its template, so that no key it needs is retired.
    auto* create = castNode(CreatedbStmt, stmt);
    const char* template_name = "template1";
    ListCell* lc;
    foreach (lc, create->options) {
        auto* option = castNode(DefElem, lfirst(lc));
        if (strcmp(option->defname, "template") == 0 && option->arg != nullptr)
            template_name = defGetString(option);
    }
    Oid from = get_database_oid(template_name, true);
    Oid to = get_database_oid(create->dbname, true);
    if (OidIsValid(from) && OidIsValid(to))
        copy_key_registry(from, to);
}

} // namespace listguard::pg
