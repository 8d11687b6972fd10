#include "reveal.h"

#include <cstring>

#include "module.h"

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
    return application_name != nullptr &&
           (std::strcmp(application_name, "pg_dump") == 0 || std::strcmp(application_name, "pg_dumpall") == 0);
}

} // namespace

Reveal reveal_for(Stamp)
{
    bool dumping = in_dump_session();
    if (superuser() && (dumping || sealed_output_setting))
        return Reveal::Sealed;
    if (dumping)
        ereport(ERROR,
                (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                 errmsg("role \"%s\" cannot dump listguard.email values", GetUserNameFromId(GetUserId(), false)),
                 errdetail("The session is a dump (application_name is pg_dump, or row_security is off), and a "
                           "dump would hold masked addresses in place of the real ones."),
                 errhint("Run pg_dump as a superuser, whose dumps hold sealed tokens.")));
    return Reveal::Masked;
}

} // namespace listguard::pg
