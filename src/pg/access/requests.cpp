// Access requests (break-glass access with a second person) are SQL in
// src/sql/access; this records their steps in the audit trail, refused ones
// included (an event is queued at once and survives the error that follows).
#include "pg/audit/events.h"
#include "pg/base/preload.h"

#include "pg/access/requests.h"
#include "pg/access/roles.h"

extern "C" {
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

PG_FUNCTION_INFO_V1(lg_record_request_event);
PG_FUNCTION_INFO_V1(lg_is_member_of);
PG_FUNCTION_INFO_V1(lg_mark_pending_grant);
PG_FUNCTION_INFO_V1(lg_is_admin);
}

using namespace listguard::pg;

namespace {

bool pending_grant = false;

} // namespace

bool listguard::pg::take_pending_grant() noexcept
{
    bool was = pending_grant;
    pending_grant = false;
    return was;
}

// listguard._mark_pending_grant(): the grant_access() being run made a
// pending request under the two-person rule, not a grant.
extern "C" Datum lg_mark_pending_grant(PG_FUNCTION_ARGS)
{
    pending_grant = true;
    PG_RETURN_VOID();
}

// listguard._is_member_of(member, role): is member a member of role,
// directly or through groups, inheriting or not. Unlike pg_has_role(),
// being a superuser does not make a role a member of every other.
extern "C" Datum lg_is_member_of(PG_FUNCTION_ARGS)
{
    require_preload();
    PG_RETURN_BOOL(is_member_of_role_nosuper(PG_GETARG_OID(0), PG_GETARG_OID(1)));
}

// listguard._record_request_event(action text, request_id bigint, account
// bigint, list bigint, detail jsonb): detail holds ids, roles and states,
// never a reason text (the requester wrote it) nor an address.
extern "C" Datum lg_record_request_event(PG_FUNCTION_ARGS)
{
    require_preload();
    record_action_event(fcinfo, EventKind::AccessRequest, "request", EventScope{});
    PG_RETURN_VOID();
}

// listguard._is_admin(role): a superuser or a member of listguard_admin
// (the calling role's, where current_role_is_admin() would see the
// extension owner running listguard's own code).
extern "C" Datum lg_is_admin(PG_FUNCTION_ARGS)
{
    require_preload();
    PG_RETURN_BOOL(is_admin(PG_GETARG_OID(0)));
}
