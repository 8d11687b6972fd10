#include "pg/access/logical_reveal.h"

#include "pg/access/cache.h"
#include "pg/audit/events.h"

extern "C" {
#include "replication/walsender.h"
#include "utils/snapmgr.h"
}

namespace listguard::pg {

bool may_replicate(Oid role)
{
    return superuser_arg(role) || role_has_unscoped_grant(role, RevealLevel::Sealed);
}

void refuse_replication(Oid role, const char* table)
{
    record_event(EventKind::Denied, psprintf("{\"reason\": \"logical replication without a sealed grant\", "
                                             "\"table\": %s}",
                                             json_string(table ? table : "")));
    const char* name = GetUserNameFromId(role, false);
    ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                    table ? errmsg("role \"%s\" cannot replicate listguard.email values of table %s", name, table)
                          : errmsg("role \"%s\" cannot replicate listguard.email values", name),
                    errdetail("Logical replication sends every row to another server, where only sealed tokens keep "
                              "their stamps; the role may not see every row sealed."),
                    errhint("Give the subscription's role a sealed grant on every account: SELECT "
                            "listguard.grant_access('%s', NULL, reveal => 'sealed');",
                            name)));
    pg_unreachable();
}

bool in_logical_decoding()
{
    return am_walsender || HistoricSnapshotActive();
}

RevealDecision walsender_reveal(Oid role, const RevealDecision& decision)
{
    if (!may_replicate(role) && decision.level < RevealLevel::Sealed)
        refuse_replication(role, nullptr);
    return {RevealLevel::Sealed, Grant{}};
}

} // namespace listguard::pg
