#include "pg/access/reveal.h"

#include "pg/access/cache.h"
#include "pg/access/logical_reveal.h"
#include "pg/access/principals.h"
#include "pg/access/reveal_context.h"
#include "pg/access/roles.h"
#include "pg/audit/events.h"
#include "pg/base/preload.h"
#include "pg/base/settings.h"
#include "pg/access/catalog_confirmation.h"
#include "pg/citus/citus.h"

#include "core/access/dump_session.h"

extern "C" {
#include "utils/acl.h"
#include "utils/guc.h"
#include "utils/guc_tables.h"
#include "utils/rls.h"
}

namespace listguard::pg {

namespace {

// application_name says "dump" only when the session chose it: the client
// (pg_dump's startup packet) or a SET. A default the database owner stored
// with ALTER DATABASE or ALTER ROLE ... SET would otherwise make every
// session that names no application a dump (whose masked reads fail).
bool application_name_chosen_by_session()
{
    static config_generic* option = nullptr;
    if (option == nullptr) {
        config_generic** options = get_guc_variables();
        for (int i = 0, n = GetNumConfigOptions(); i < n; i++)
            if (strcmp(options[i]->name, "application_name") == 0)
                option = options[i];
    }
    return option != nullptr && (option->source == PGC_S_CLIENT || option->source == PGC_S_SESSION);
}

} // namespace

bool in_dump_session()
{
    const char* name = application_name != nullptr && application_name_chosen_by_session() ? application_name : "";
    return is_dump_session(row_security, name);
}

namespace {

// A dump session that reads rows or values is recorded once per backend:
// who, and by which right.
void note_dump_session(Oid role, const char* right)
{
    static bool recorded = false;
    if (recorded)
        return;
    recorded = true;
    record_event(EventKind::Dump,
                 psprintf("{\"role\": %s, \"as\": \"%s\"}", json_string(GetUserNameFromId(role, false)), right));
}

} // namespace

bool reads_as_backup(Oid role)
{
    if (!in_dump_session())
        return false;
    Oid backup = backup_role();
    if (!OidIsValid(backup) || !has_privs_of_role(role, backup))
        return false;
    note_dump_session(role, superuser_arg(role) ? "superuser" : kBackupRole);
    return true;
}

RevealDecision reveal_for(Stamp stamp)
{
    Oid role = GetUserId();
    Grant principal_grant, application_grant;
    Access access = session_access(stamp, &principal_grant, &application_grant);
    RevealDecision decision{access.reveal, access.grant, principal_grant, application_grant};
    // A Citus worker shows nothing above masks until it knows that its
    // grants are the coordinator's (pg/access/catalog_confirmation.h). A
    // decision made before it waited for that was made from the catalog it
    // held then, maybe older than a revocation: made again from the one it
    // holds now.
    if (decision.level != RevealLevel::Masked && citus_is_worker()) {
        switch (citus_catalog_confirmation()) {
        case CatalogConfirmation::Unconfirmed:
            decision = {RevealLevel::Masked, Grant{}};
            break;
        case CatalogConfirmation::ConfirmedJustNow:
            principal_grant = Grant{};
            application_grant = Grant{};
            access = session_access(stamp, &principal_grant, &application_grant);
            decision = {access.reveal, access.grant, principal_grant, application_grant};
            break;
        case CatalogConfirmation::Confirmed:
            break;
        }
    }

    if (in_logical_decoding())
        return walsender_reveal(role, decision);
    if (in_dump_session()) {
        if (superuser_arg(role) || reads_as_backup(role)) {
            note_dump_session(role, superuser_arg(role) ? "superuser" : kBackupRole);
            return {RevealLevel::Sealed, Grant{}};
        }
        if (decision.level == RevealLevel::Sealed || decision.level == RevealLevel::Clear) {
            note_dump_session(role, "grant");
            return decision;
        }
        record_event(EventKind::Denied, "{\"reason\": \"dump with masks\"}", scope_of(stamp));
        ereport(ERROR, (errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
                        errmsg("role \"%s\" cannot dump listguard.email values", GetUserNameFromId(role, false)),
                        errdetail("The session is a dump (application_name is pg_dump, or row_security is off), and a "
                                  "dump would hold masked addresses in place of the real ones."),
                        errhint("Run pg_dump as a member of listguard_backup (or a superuser), whose dumps hold "
                                "sealed tokens.")));
    }
    if (sealed_output_setting && superuser_arg(role))
        return {RevealLevel::Sealed, Grant{}};
    // A value printed for a log (a plan, a parameter) is never clear.
    if (decision.level == RevealLevel::Clear && !clear_reveal_allowed())
        return {RevealLevel::Masked, Grant{}};
    return decision;
}

} // namespace listguard::pg
