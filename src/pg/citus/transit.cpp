#include "pg/citus/transit.h"

#include <cstdlib>
#include <ctime>
#include <string>

#include "pg/base/catalog.h"
#include "pg/base/elevated_call.h"
#include "pg/base/guard.h"
#include "pg/base/settings.h"
#include "pg/citus/citus.h"
#include "pg/keys/keyring.h"

#include "core/keys/keyring.h"

extern "C" {
#include "utils/acl.h"
#include "utils/guc.h"
}

namespace listguard::pg {

namespace {

// A proof older than this proves nothing; a backend makes new ones after
// kProofRenewal (at the next statement it plans or utility it runs).
constexpr int64 kProofLifetime = 15 * 60;
constexpr int64 kProofRenewal = 60;
constexpr const char* kOwnerRole = "listguard_owner";
constexpr const char* kInternalPrefixes[] = {"citus_internal gpid=", "citus_rebalancer gpid="};
// Connections a node opens for a client's command (run_command_on_workers)
// or for a shard move's replication: not a client's own address either.
constexpr const char* kNodePrefixes[] = {
    "citus_internal gpid=", "citus_rebalancer gpid=", "citus_run_command gpid=", "citus_shard_"};

bool transit = false;

int64 offered_at = 0;
Oid offered_role = InvalidOid;    // the role the offered proofs were made for
bool offered_owner = false;       // they included one for listguard_owner
char* original_options = nullptr; // PGOPTIONS before listguard added to it
bool original_saved = false;
bool owner_scope = false; // a Citus function that connects as listguard_owner runs
char plain_options[1024]; // PGOPTIONS with the proof for the role only

enum class Proof { Unchecked, Valid, Invalid };
Proof proof_state = Proof::Unchecked;
uint64 proven_gpid = 0;
Oid proven_user = InvalidOid;

// The global process id in an application_name Citus set, or 0.
uint64 claimed_gpid(const char* name)
{
    if (name == nullptr)
        return 0;
    for (const char* prefix : kInternalPrefixes) {
        std::size_t n = strlen(prefix);
        if (strncmp(name, prefix, n) != 0)
            continue;
        const char* digits = name + n;
        if (*digits < '0' || *digits > '9')
            return 0;
        char* end = nullptr;
        unsigned long long gpid = strtoull(digits, &end, 10);
        return *end == '\0' ? static_cast<uint64>(gpid) : 0;
    }
    return 0;
}

int64 now_seconds()
{
    return static_cast<int64>(time(nullptr));
}

// Whether proofs (comma-separated) include one of this cluster for gpid
// and the role user logs in as.
bool proven(const char* proofs, uint64 gpid, const char* user)
{
    ensure_keyring();
    int64 now = now_seconds();
    return guarded([&] { return keyring().transit().check_proofs(proofs, gpid, user, now, kProofLifetime); });
}

// Citus connects as listguard_owner (the owner of every protected table)
// to create, copy, move, truncate and drop shards: for what superusers and
// listguard admins do. Other backends offer no proof for it, so that one a
// role captures from a connection it made Citus open logs it in nowhere.
bool may_offer_owner_proof(Oid role)
{
    if (!OidIsValid(role))
        return false;
    if (superuser_arg(role))
        return true;
    Oid admin = admin_role();
    Oid owner = get_role_oid(kOwnerRole, true);
    return (OidIsValid(admin) && has_privs_of_role(role, admin)) ||
           (OidIsValid(owner) && has_privs_of_role(role, owner));
}

// The current role is not the one the session acts as: listguard's
// elevated code (the extension's owner) or a SECURITY DEFINER function (or
// an operation PostgreSQL runs as a table's owner) is running. Proofs are
// made for the session's own role only, so nothing is offered meanwhile.
bool role_borrowed()
{
    return running_elevated() || GetUserId() != GetOuterUserId() || InLocalUserIdChange() ||
           InSecurityRestrictedOperation();
}

bool set_options(const char* options) noexcept
{
    return (options[0] == '\0' ? unsetenv("PGOPTIONS") : setenv("PGOPTIONS", options, 1)) == 0;
}

} // namespace

bool in_transit()
{
    return transit;
}

bool set_in_transit(bool on)
{
    bool was = transit;
    transit = on;
    return was;
}

const char* current_role_name()
{
    static Oid role = InvalidOid;
    static char name[NAMEDATALEN];
    Oid now = GetUserId();
    if (now != role) {
        strlcpy(name, GetUserNameFromId(now, false), sizeof name);
        role = now;
    }
    return name;
}

void reset_transit() noexcept
{
    transit = false;
    withdraw_owner_proof();
}

bool session_claims_citus_internal()
{
    if (application_name == nullptr)
        return false;
    for (const char* prefix : kNodePrefixes)
        if (strncmp(application_name, prefix, strlen(prefix)) == 0)
            return true;
    return false;
}

bool session_is_citus_internal()
{
    uint64 gpid = claimed_gpid(application_name);
    if (gpid == 0 || citus_proof_setting == nullptr || citus_proof_setting[0] == '\0')
        return false;
    // The proof is bound to the role the session logged in as.
    Oid user = GetSessionUserId();
    if (proof_state == Proof::Unchecked || user != proven_user) {
        bool valid = proven(citus_proof_setting, gpid, GetUserNameFromId(user, false));
        proof_state = valid ? Proof::Valid : Proof::Invalid;
        proven_gpid = gpid;
        proven_user = user;
        if (!valid)
            ereport(LOG, (errmsg("listguard: a session claims to be a Citus internal connection without a valid "
                                 "proof"),
                          errdetail("Its values are shown as its role may see them, as to any client.")));
    }
    return proof_state == Proof::Valid && gpid == proven_gpid;
}

void check_owner_login(const char* user, const char* application, const char* options)
{
    if (user == nullptr || strcmp(user, kOwnerRole) != 0)
        return;
    // The startup packet's options, as libpq sends PGOPTIONS: "-c name=value".
    char proof[transit::kMaxProofs * 64] = "";
    const char* at = options ? strstr(options, "listguard.citus_proof=") : nullptr;
    if (at != nullptr) {
        at += strlen("listguard.citus_proof=");
        std::size_t n = strcspn(at, " \t");
        if (n < sizeof proof) {
            memcpy(proof, at, n);
            proof[n] = '\0';
        }
    }
    uint64 gpid = claimed_gpid(application);
    bool valid = false;
    if (proof[0] != '\0' && gpid != 0)
        valid = proven(proof, gpid, kOwnerRole);
    if (!valid)
        ereport(FATAL, (errcode(ERRCODE_INVALID_AUTHORIZATION_SPECIFICATION),
                        errmsg("role \"listguard_owner\" may log in only as a Citus internal connection"),
                        errdetail("It owns every protected table; Citus logs in as it to create, copy and move their "
                                  "shards, with a proof that only a listguard backend of this cluster can make."),
                        errhint("Connect as your own role.")));
}

void offer_citus_proof()
{
    // Inside elevated or SECURITY DEFINER code the backend's PGOPTIONS stay
    // as the session's own statement left them: a connection a function
    // opens there (to a server of its caller's choice) carries no proof for
    // the role it borrowed.
    if (role_borrowed())
        return;
    int64 now = now_seconds();
    Oid role = GetOuterUserId();
    if (offered_at != 0 && now - offered_at < kProofRenewal && role == offered_role && owner_scope == offered_owner)
        return;
    if (!citus_active() || !OidIsValid(listguard_objects().schema))
        return;
    uint64 gpid = citus_global_pid();
    if (gpid == 0)
        return;
    // Citus connects as the current role (here the session's), and as
    // listguard_owner only in the shard operations of owner_scope.
    bool owner = owner_scope && may_offer_owner_proof(GetSessionUserId()) && may_offer_owner_proof(role);
    const char* name = GetUserNameFromId(role, false);
    ensure_keyring();
    char proof[transit::kMaxProofs * 64];
    char own[transit::kMaxProofs * 64];
    guarded([&] {
        std::string made = keyring().transit().proof(gpid, name, now);
        strlcpy(own, made.c_str(), sizeof own);
        if (owner && strcmp(name, kOwnerRole) != 0)
            made += "," + keyring().transit().proof(gpid, kOwnerRole, now);
        strlcpy(proof, made.c_str(), sizeof proof);
    });
    if (!original_saved) {
        const char* options = getenv("PGOPTIONS");
        original_options = options ? MemoryContextStrdup(TopMemoryContext, options) : nullptr;
        original_saved = true;
    }
    const char* before = original_options ? original_options : "";
    const char* space = original_options ? " " : "";
    int n = snprintf(plain_options, sizeof plain_options, "%s%s-c listguard.citus_proof=%s", before, space, own);
    if (n < 0 || static_cast<std::size_t>(n) >= sizeof plain_options)
        ereport(ERROR,
                (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED), errmsg("PGOPTIONS is too long for Citus's connections")));
    char* options = psprintf("%s%s-c listguard.citus_proof=%s", before, space, proof);
    if (!set_options(options))
        ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("could not set PGOPTIONS for Citus's connections")));
    pfree(options);
    offered_at = now;
    offered_role = role;
    offered_owner = owner_scope;
}

bool set_owner_scope(bool on)
{
    bool was = owner_scope;
    owner_scope = on && !role_borrowed();
    if (owner_scope)
        offer_citus_proof();
    else
        withdraw_owner_proof();
    return was;
}

void withdraw_owner_proof() noexcept
{
    owner_scope = false;
    if (!offered_owner)
        return;
    // Back to the proof for the session's role alone (made with it); if
    // that cannot be set, to no proof at all.
    if (!set_options(plain_options) && !set_options(original_options ? original_options : ""))
        (void)unsetenv("PGOPTIONS");
    offered_owner = false;
}

} // namespace listguard::pg
