#include "pg/protect/refusals.h"

#include "pg/audit/events.h"
#include "pg/protect/protection.h"

extern "C" {
#include "nodes/plannodes.h"
#include "parser/parsetree.h"
}

namespace listguard::pg {

namespace {

bool recorded = false; // this error was recorded already (by an inner executor run)

const char* operation_name(CmdType op)
{
    switch (op) {
    case CMD_INSERT:
        return "insert";
    case CMD_UPDATE:
        return "update";
    case CMD_DELETE:
        return "delete";
    case CMD_MERGE:
        return "merge";
    default:
        return "write";
    }
}

// The policy a refusal names, if it is one of listguard's (its own words
// only: a policy an administrator named could say anything).
const char* listguard_policy(const char* message)
{
    static const char* const kPolicies[] = {"listguard_insert", "listguard_update", "listguard_delete",
                                            "listguard_read", "listguard_base"};
    for (const char* p : kPolicies) {
        char* quoted = psprintf("\"%s\"", p);
        bool found = message != nullptr && strstr(message, quoted) != nullptr;
        pfree(quoted);
        if (found)
            return p;
    }
    return nullptr;
}

} // namespace

void note_executor_run() noexcept
{
    recorded = false;
}

void note_refused_write(QueryDesc* query) noexcept
{
    if (recorded || query == nullptr || query->plannedstmt == nullptr || query->operation == CMD_SELECT)
        return;
    ErrorData* error = CopyErrorData();
    // WITH CHECK options of row security, whichever way PostgreSQL words
    // them (by the untranslated message).
    bool row_security = error->sqlerrcode == ERRCODE_INSUFFICIENT_PRIVILEGE && error->message_id != nullptr &&
                        strncmp(error->message_id, "new row violates row-level security policy",
                                strlen("new row violates row-level security policy")) == 0;
    if (!row_security) {
        FreeErrorData(error);
        return;
    }
    PlannedStmt* stmt = query->plannedstmt;
    // The table the statement named (an update through a partitioned root
    // lists its leaves as result relations, and names the root apart).
    Oid relid = InvalidOid;
    if (stmt->planTree != nullptr && IsA(stmt->planTree, ModifyTable) &&
        castNode(ModifyTable, stmt->planTree)->rootRelation > 0)
        relid = rt_fetch(castNode(ModifyTable, stmt->planTree)->rootRelation, stmt->rtable)->relid;
    else if (stmt->resultRelations != nullptr)
        relid = rt_fetch(linitial_int(stmt->resultRelations), stmt->rtable)->relid;
    if (!OidIsValid(relid) || !protection_of(relid).is_protected) {
        FreeErrorData(error);
        return;
    }
    recorded = true;
    const char* policy = listguard_policy(error->message);
    char* detail =
        policy ? psprintf("{\"reason\": \"row security\", \"action\": \"%s\", \"policy\": \"%s\"}",
                          operation_name(query->operation), policy)
               : psprintf("{\"reason\": \"row security\", \"action\": \"%s\"}", operation_name(query->operation));
    record_event(EventKind::Denied, detail, table_scope(relid));
    FreeErrorData(error);
}

} // namespace listguard::pg
