// Principals: the people behind an application role (customers' staff,
// support agents), registered in listguard (listguard.principals), granted
// like roles, and put in force per transaction by listguard.act_as() with an
// assertion the application signed (pg/base/principal_state.h).
//
// Every decision for a value or a row (reveal, can_read, can_write, a
// canary's sender) goes through session_access(): with a principal in
// force, what the current role's grants allow (access_for) is cut down to
// what the principal's own grants allow and what its application role's
// grants allow (the application's grant is the ceiling); without one, an
// application registered with require_principal sees masks only (or is
// refused, listguard.missing_principal).
#pragma once

#include <string_view>

#include "pg/base/postgres_c.h"
#include "pg/base/principal_state.h"

#include "core/access/decision.h"

namespace listguard::pg {

// SQLSTATEs of class LG for principals and their assertions.
#define LG_INVALID_ASSERTION MAKE_SQLSTATE('L', 'G', 'P', '0', '1')
#define LG_ASSERTION_SIGNATURE MAKE_SQLSTATE('L', 'G', 'P', '0', '2')
#define LG_ASSERTION_EXPIRED MAKE_SQLSTATE('L', 'G', 'P', '0', '3')
#define LG_ASSERTION_EARLY MAKE_SQLSTATE('L', 'G', 'P', '0', '4')
#define LG_ASSERTION_REPLAYED MAKE_SQLSTATE('L', 'G', 'P', '0', '5')
#define LG_ASSERTION_AUDIENCE MAKE_SQLSTATE('L', 'G', 'P', '0', '6')
#define LG_UNKNOWN_PRINCIPAL MAKE_SQLSTATE('L', 'G', 'P', '0', '7')
#define LG_NOT_AN_APPLICATION MAKE_SQLSTATE('L', 'G', 'P', '0', '8')
#define LG_PRINCIPAL_REQUIRED MAKE_SQLSTATE('L', 'G', 'P', '0', '9')
#define LG_ASSERTIONS_FULL MAKE_SQLSTATE('L', 'G', 'P', '1', '0')

// What the current role sees of a scope in this session. With a principal
// in force, *principal_grant (if given) is the principal's grant that
// authorises the reveal, charged and counted beside the role's (id 0: none),
// and *application_grant the application's, charged too when the current
// role is not the application (SET ROLE, a SECURITY DEFINER function): the
// application's quota holds for everyone behind it, whatever role it sets.
Access session_access(Stamp scope, Grant* principal_grant = nullptr, Grant* application_grant = nullptr);

// Before request_access(): a require_principal application acting for
// nobody may not ask (LGP09, recorded as denied). A principal's request asks
// for the principal's grant, under the application's; nobody's would ask for
// the application's own, which no principal could.
void require_principal_to_request();

// The roles of the applications registered with require_principal, in a
// palloc'd array; returns their count. A grant that reaches a role only
// through one of them needs a principal (Grant::needs_principal).
int applications_requiring_principal(Oid** roles);

// Whether the session decides otherwise than its role's grants alone would:
// a principal is in force, or a require_principal application without one
// is refused (listguard.missing_principal). (Without a principal such an
// application reads the rows its grants allow, masked.)
bool principal_narrows_session();

// The id of the principal in force, 0: none.
int64 principal_in_force_id();

// Whether grant_id is one of the grants of the principal in force.
bool principal_has_grant(int64 grant_id);

// A registered application: its role's rules, and its keys.
struct Application {
    bool registered = false;
    bool require_principal = false;
    bool session_principals = false; // may act_as(..., session => true)
    int keys = 0;
};
Application application_of(Oid role);

// A registered application that role is a member of (inheriting or not),
// or InvalidOid.
Oid application_with_member(Oid role);

// The application this session acts through: the first registered of the
// current user, the role SET ROLE chose and the session user.
Oid acting_application();

enum class KeyCheck {
    Verified,
    NoKey,        // the application has no key (cannot happen once registered)
    UnknownKid,   // the header's kid is no key of this application's
    KidOfAnother, // ... but another application's
    BadSignature, // no key of the application verifies it
};
KeyCheck verify_application_signature(Oid application, const char* kid, std::string_view signing_input,
                                      std::string_view signature);

// A registered principal, by name.
struct PrincipalEntry {
    int64 id = 0;
    bool has_account = false;
    int64 account = 0;
};
bool find_principal(const char* name, PrincipalEntry* entry);

// Before DROP ROLE: a registered application cannot be dropped (its
// registration would then name a role id a new role could reuse).
void check_drop_application_roles(Node* stmt);

// Invalidation: the registries and the principals' grants are read again.
void forget_principal_caches() noexcept;
bool is_principal_table(Oid relid) noexcept;
// The same, looking the tables up first if this backend has not (for the
// trigger that announces a change: a backend that never used principals
// must still tell the others).
bool is_principal_relation(Oid relid);

} // namespace listguard::pg
