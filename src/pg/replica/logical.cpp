#include "pg/replica/logical.h"

#include "pg/access/cache.h"
#include "pg/audit/events.h"
#include "pg/protect/protection.h"

extern "C" {
#include "nodes/parsenodes.h"
#include "nodes/plannodes.h"
#include "replication/walsender.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
}

namespace listguard::pg {

namespace {

bool may_replicate(Oid role) { return superuser_arg(role) || role_has_unscoped_grant(role, RevealLevel::Sealed); }

void refuse(Oid role, const char* table)
{
    record_event(EventKind::Denied, psprintf("{\"reason\": \"logical replication without a sealed grant\", "
                                             "\"table\": %s}",
                                             json_string(table ? table : "")));
    const char* name = GetUserNameFromId(role, false);
    ereport(ERROR,
            (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
             errmsg("role \"%s\" cannot replicate listguard.email values%s%s", name, table ? " of table " : "",
                    table ? table : ""),
             errdetail("Logical replication sends every row to another server, where only sealed tokens keep their "
                       "stamps; the role may not see every row sealed."),
             errhint("Give the subscription's role a sealed grant on every account: SELECT "
                     "listguard.grant_access('%s', NULL, reveal => 'sealed');",
                     name)));
}

} // namespace

bool in_logical_decoding() { return am_walsender || HistoricSnapshotActive(); }

RevealDecision walsender_reveal(Oid role, const RevealDecision& decision)
{
    if (!may_replicate(role) && decision.level < RevealLevel::Sealed)
        refuse(role, nullptr);
    return {RevealLevel::Sealed, Grant{}};
}

void check_walsender_query(const QueryDesc* query)
{
    if (!am_walsender || query->plannedstmt == nullptr)
        return;
    Oid role = GetUserId();
    if (may_replicate(role))
        return;
    ListCell* cell;
    foreach (cell, query->plannedstmt->rtable) {
        auto* rte = static_cast<RangeTblEntry*>(lfirst(cell));
        if (rte->rtekind == RTE_RELATION && protection_of(rte->relid).is_protected)
            refuse(role, get_rel_name(rte->relid));
    }
}

} // namespace listguard::pg
