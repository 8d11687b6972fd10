#include "pg/access/reveal.h"

#include <cstring>

#include "pg/access/cache.h"
#include "pg/audit/events.h"
#include "pg/base/module.h"

extern "C" {
#include "utils/guc.h"
#include "utils/rls.h"
}

namespace listguard::pg {

namespace {

// pg_dump names itself in application_name unless PGAPPNAME overrides it,
// and always turns row_security off (unless --enable-row-security): a
// session asking for "every row or an error" gets every value or an error,
// never silent masks either.
bool in_dump_session()
{
    if (!row_security)
        return true;
    const char* name = application_name;
    return name != nullptr && (std::strcmp(name, "pg_dump") == 0 || std::strcmp(name, "pg_dumpall") == 0);
}

} // namespace

RevealDecision reveal_for(Stamp stamp)
{
    Oid role = GetUserId();
    Access access = access_for(role, stamp);
    RevealDecision decision{access.reveal, access.grant};

    if (in_dump_session()) {
        if (superuser_arg(role))
            return {RevealLevel::Sealed, Grant{}};
        if (decision.level == RevealLevel::Sealed || decision.level == RevealLevel::Clear)
            return decision;
        record_event(EventKind::Denied, "{\"reason\": \"dump with masks\"}", scope_of(stamp));
        ereport(ERROR,
                (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                 errmsg("role \"%s\" cannot dump listguard.email values", GetUserNameFromId(role, false)),
                 errdetail("The session is a dump (application_name is pg_dump, or row_security is off), and a "
                           "dump would hold masked addresses in place of the real ones."),
                 errhint("Run pg_dump as a superuser, or as a role granted sealed access, whose dumps hold "
                         "sealed tokens.")));
    }
    if (sealed_output_setting && superuser_arg(role))
        return {RevealLevel::Sealed, Grant{}};
    return decision;
}

} // namespace listguard::pg
