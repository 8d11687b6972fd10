#include "pg/audit/ddl_events.h"

#include "pg/audit/events.h"

extern "C" {
#include "nodes/parsenodes.h"
}

namespace listguard::pg {

// A dropped extension's event goes to the server log: its table is gone.
void record_utility_events(Node* stmt)
{
    switch (nodeTag(stmt)) {
    case T_CreateExtensionStmt:
        if (strcmp(castNode(CreateExtensionStmt, stmt)->extname, "listguard") == 0)
            record_event(EventKind::Extension, "{\"action\": \"create\"}");
        break;
    case T_AlterExtensionStmt:
        if (strcmp(castNode(AlterExtensionStmt, stmt)->extname, "listguard") == 0)
            record_event(EventKind::Extension, "{\"action\": \"alter\"}");
        break;
    case T_DropStmt: {
        auto* drop = castNode(DropStmt, stmt);
        if (drop->removeType == OBJECT_EXTENSION) {
            ListCell* lc;
            foreach (lc, drop->objects)
                if (strcmp(strVal(lfirst(lc)), "listguard") == 0)
                    record_event(EventKind::Extension, "{\"action\": \"drop\"}");
        }
        break;
    }
    default:
        break;
    }
}

} // namespace listguard::pg
