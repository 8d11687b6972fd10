#include "pg/replica/logical.h"

#include "pg/access/logical_reveal.h"
#include "pg/protect/protection.h"

extern "C" {
#include "nodes/parsenodes.h"
#include "nodes/plannodes.h"
#include "replication/walsender.h"
#include "utils/lsyscache.h"
}

namespace listguard::pg {

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
            refuse_replication(role, get_rel_name(rte->relid));
    }
}

} // namespace listguard::pg
