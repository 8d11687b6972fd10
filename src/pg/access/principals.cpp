#include "pg/access/principals.h"

#include <new>
#include <string>
#include <type_traits>
#include <vector>

#include "pg/access/cache.h"
#include "pg/access/generation.h"
#include "pg/audit/events.h"
#include "pg/base/array_elements.h"
#include "pg/base/catalog.h"
#include "pg/base/guard.h"
#include "pg/base/settings.h"

#include "core/access/network.h"
#include "core/crypto/ed25519.h"

extern "C" {
#include "access/htup_details.h"
#include "access/skey.h"
#include "access/xact.h"
#include "catalog/index.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "nodes/parsenodes.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
}

namespace listguard::pg {

namespace {

static_assert(std::is_trivially_copyable_v<Grant> && std::is_trivially_destructible_v<Grant>);

// ---------------------------------------------------------------------------
// listguard's tables for principals, looked up by name.

struct Objects {
    bool valid = false;
    Oid applications = InvalidOid;
    Oid application_keys = InvalidOid;
    Oid users = InvalidOid;         // application_users
    Oid users_by_name = InvalidOid; // its unique index on name
    Oid grants = InvalidOid;
    Oid grants_by_principal = InvalidOid;
};
Objects objects;

const Objects& principal_objects()
{
    if (objects.valid)
        return objects;
    Objects found;
    // Members of the extension only, as pg/base/catalog.h finds its own.
    if (OidIsValid(listguard_objects().schema)) {
        found.applications = listguard_member_relation("applications");
        found.application_keys = listguard_member_relation("application_keys");
        found.users = listguard_member_relation("application_users");
        found.grants = listguard_objects().grants;
        // Indexes are no members themselves: each must be one of its
        // member table's.
        auto index_of = [](const char* name, Oid table) {
            Oid index = get_relname_relid(name, listguard_objects().schema);
            return OidIsValid(index) && OidIsValid(table) && IndexGetRelation(index, true) == table ? index
                                                                                                    : InvalidOid;
        };
        found.users_by_name = index_of("application_users_name_key", found.users);
        found.grants_by_principal = index_of("grants_principal", found.grants);
    }
    found.valid = OidIsValid(found.applications) && OidIsValid(found.application_keys) && OidIsValid(found.users) &&
                  OidIsValid(found.users_by_name) && OidIsValid(found.grants_by_principal);
    objects = found;
    return objects;
}

// Counts invalidations: what was read while one arrived is not kept.
uint64 invalidations = 0;

// ---------------------------------------------------------------------------
// Applications and their keys.

struct AppKey {
    Oid role;
    std::string kid;
    Ed25519Verifier* verifier;
};
struct AppRow {
    Oid role;
    bool require_principal;
    bool session_principals;
};
struct Registry {
    std::vector<AppRow> apps;
    std::vector<AppKey> keys;
    ~Registry()
    {
        for (AppKey& k : keys)
            delete k.verifier;
    }
};
Registry* registry = nullptr;       // null: not loaded
Registry* stale_registry = nullptr; // deleted at the next load (a caller may still hold it)
uint64 registry_generation = 0;     // bumped at each load

struct KeyText {
    Oid role;
    char* kid;
    char* pem;
};

const Registry& load_registry()
{
    const Objects& o = principal_objects();
    int napps = 0, nkeys = 0, app_capacity = 8, key_capacity = 8;
    AppRow* apps = static_cast<AppRow*>(palloc(sizeof(AppRow) * app_capacity));
    KeyText* keys = static_cast<KeyText*>(palloc(sizeof(KeyText) * key_capacity));
    uint64 started = invalidations;
    if (o.valid) {
        AttrNumber a_role = listguard_column(o.applications, "role"),
                   a_require = listguard_column(o.applications, "require_principal"),
                   a_session = listguard_column(o.applications, "session_principals");
        scan_listguard_table(o.applications, [&](HeapTuple tuple, TupleDesc desc) {
            bool isnull;
            if (napps == app_capacity) {
                app_capacity *= 2;
                apps = static_cast<AppRow*>(repalloc(apps, sizeof(AppRow) * app_capacity));
            }
            AppRow& a = apps[napps++];
            a.role = DatumGetObjectId(heap_getattr(tuple, a_role, desc, &isnull));
            Datum d = heap_getattr(tuple, a_require, desc, &isnull);
            a.require_principal = !isnull && DatumGetBool(d);
            d = heap_getattr(tuple, a_session, desc, &isnull);
            a.session_principals = !isnull && DatumGetBool(d);
            return true;
        });
        AttrNumber k_role = listguard_column(o.application_keys, "role"),
                   k_kid = listguard_column(o.application_keys, "key_id"),
                   k_pem = listguard_column(o.application_keys, "public_key");
        scan_listguard_table(o.application_keys, [&](HeapTuple tuple, TupleDesc desc) {
            bool isnull;
            if (nkeys == key_capacity) {
                key_capacity *= 2;
                keys = static_cast<KeyText*>(repalloc(keys, sizeof(KeyText) * key_capacity));
            }
            KeyText& k = keys[nkeys++];
            k.role = DatumGetObjectId(heap_getattr(tuple, k_role, desc, &isnull));
            k.kid = TextDatumGetCString(heap_getattr(tuple, k_kid, desc, &isnull));
            k.pem = TextDatumGetCString(heap_getattr(tuple, k_pem, desc, &isnull));
            return true;
        });
    }
    Registry* loaded = guarded([&] {
        delete stale_registry;
        stale_registry = nullptr;
        auto* r = new Registry;
        for (int i = 0; i < napps; i++)
            r->apps.push_back(apps[i]);
        for (int i = 0; i < nkeys; i++) {
            // Stored as add_application() wrote it: canonical PEM.
            Ed25519Key key = ed25519_key_from_pem(keys[i].pem);
            r->keys.push_back(AppKey{keys[i].role, keys[i].kid, nullptr});
            r->keys.back().verifier = new Ed25519Verifier(key);
        }
        return r;
    });
    registry_generation++;
    if (invalidations == started) {
        registry = loaded;
        return *registry;
    }
    // Read while the tables changed: used for this call only.
    guarded([&] {
        delete stale_registry;
        stale_registry = loaded;
    });
    return *loaded;
}

const Registry& current_registry()
{
    take_in_access_changes();
    return registry != nullptr ? *registry : load_registry();
}

// ---------------------------------------------------------------------------
// Principals by name, and their grants.

MemoryContext principal_context = nullptr;
HTAB* names = nullptr;      // NameKey -> PrincipalEntry
HTAB* grant_sets = nullptr; // principal id -> GrantSet
HTAB* decisions = nullptr;  // DecisionKey -> Access

struct NameKey {
    char name[kPrincipalNameSize];
};
struct NameEntry {
    NameKey key;
    PrincipalEntry entry;
};

struct Networks {
    int count; // -1: any network
    char** blocks;
};
struct GrantSet {
    int64 principal;
    int count;
    Grant* grants;
    Networks* networks;
};

struct DecisionKey {
    int64 principal;
    int64 account;
    int64 list;
    char client_addr[64];
};
struct DecisionEntry {
    DecisionKey key;
    Access access;
};
DecisionEntry* last_decision = nullptr;

void ensure_principal_tables()
{
    if (principal_context == nullptr)
        principal_context = AllocSetContextCreate(TopMemoryContext, "listguard principals", ALLOCSET_DEFAULT_SIZES);
    if (names != nullptr)
        return;
    HASHCTL ctl;
    memset(&ctl, 0, sizeof ctl);
    ctl.hcxt = principal_context;
    ctl.keysize = sizeof(NameKey);
    ctl.entrysize = sizeof(NameEntry);
    names = hash_create("listguard principal names", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    ctl.keysize = sizeof(int64);
    ctl.entrysize = sizeof(GrantSet);
    grant_sets = hash_create("listguard principal grants", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    ctl.keysize = sizeof(DecisionKey);
    ctl.entrysize = sizeof(DecisionEntry);
    decisions = hash_create("listguard principal decisions", 256, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

// The cidr[] of a grant as text blocks, in `context`.
Networks read_networks(Datum value, MemoryContext context)
{
    ArrayElements listed = array_elements(value, CIDROID);
    int n = listed.count;
    Oid out_fn;
    bool varlena;
    getTypeOutputInfo(CIDROID, &out_fn, &varlena);
    Networks networks{n, static_cast<char**>(MemoryContextAlloc(context, sizeof(char*) * Max(n, 1)))};
    for (int i = 0; i < n; i++)
        networks.blocks[i] =
            MemoryContextStrdup(context, listed.nulls[i] ? "" : OidOutputFunctionCall(out_fn, listed.values[i]));
    return networks;
}

// Reads a principal's grants (through the index on grants.principal) into
// `context`.
GrantSet load_principal_grants(int64 principal, MemoryContext context)
{
    const Objects& o = principal_objects();
    GrantSet set{principal, 0, nullptr, nullptr};
    if (!o.valid)
        return set;
    Oid grants_oid = o.grants;
    auto column = [grants_oid](const char* name) { return listguard_column(grants_oid, name); };
    AttrNumber a_id = column("id"), a_account = column("account"), a_list = column("list"), a_reveal = column("reveal"),
               a_write = column("can_write"), a_limit = column("quota_limit"), a_window = column("quota_window"),
               a_exceed = column("on_exceed"), a_until = column("valid_until"), a_networks = column("from_networks"),
               a_sends = column("sends");
    int capacity = 8;
    set.grants = static_cast<Grant*>(MemoryContextAlloc(context, sizeof(Grant) * capacity));
    set.networks = static_cast<Networks*>(MemoryContextAlloc(context, sizeof(Networks) * capacity));
    ScanKeyData key; // on the heap's column: systable_beginscan maps it to the index's
    ScanKeyInit(&key, column("principal"), BTEqualStrategyNumber, F_INT8EQ, Int64GetDatum(principal));
    Relation rel = table_open(grants_oid, AccessShareLock);
    SysScanDesc scan = systable_beginscan(rel, o.grants_by_principal, true, nullptr, 1, &key);
    HeapTuple tuple;
    TupleDesc desc = RelationGetDescr(rel);
    while (HeapTupleIsValid(tuple = systable_getnext(scan))) {
        if (set.count == capacity) {
            capacity *= 2;
            set.grants = static_cast<Grant*>(repalloc(set.grants, sizeof(Grant) * capacity));
            set.networks = static_cast<Networks*>(repalloc(set.networks, sizeof(Networks) * capacity));
        }
        bool isnull;
        Grant g;
        g.id = DatumGetInt64(heap_getattr(tuple, a_id, desc, &isnull));
        Datum d = heap_getattr(tuple, a_account, desc, &isnull);
        if (!isnull)
            g.account = DatumGetInt64(d);
        d = heap_getattr(tuple, a_list, desc, &isnull);
        if (!isnull)
            g.list = DatumGetInt64(d);
        d = heap_getattr(tuple, a_reveal, desc, &isnull);
        g.reveal = isnull ? RevealLevel::Masked : parse_reveal(TextDatumGetCString(d)).value_or(RevealLevel::Masked);
        d = heap_getattr(tuple, a_write, desc, &isnull);
        g.can_write = !isnull && DatumGetBool(d);
        d = heap_getattr(tuple, a_limit, desc, &isnull);
        g.quota_limit = isnull ? 0 : DatumGetInt64(d);
        d = heap_getattr(tuple, a_window, desc, &isnull);
        g.quota_window = isnull ? 0 : DatumGetInt64(d);
        d = heap_getattr(tuple, a_exceed, desc, &isnull);
        g.mask_on_exceed = !isnull && strcmp(TextDatumGetCString(d), "mask") == 0;
        d = heap_getattr(tuple, a_until, desc, &isnull);
        if (!isnull)
            g.valid_until = DatumGetTimestampTz(d);
        d = heap_getattr(tuple, a_sends, desc, &isnull);
        g.sends = !isnull && DatumGetBool(d);
        d = heap_getattr(tuple, a_networks, desc, &isnull);
        set.networks[set.count] = isnull ? Networks{-1, nullptr} : read_networks(d, context);
        new (&set.grants[set.count++]) Grant(g);
    }
    systable_endscan(scan);
    table_close(rel, AccessShareLock);
    return set;
}

const GrantSet& grants_of_principal(int64 principal)
{
    if (grant_sets != nullptr) {
        auto* found = static_cast<GrantSet*>(hash_search(grant_sets, &principal, HASH_FIND, nullptr));
        if (found != nullptr)
            return *found;
    }
    // Read into this call's memory first: an invalidation may reset the
    // cache while the table is read.
    uint64 started = invalidations;
    GrantSet loaded = load_principal_grants(principal, CurrentMemoryContext);
    ensure_principal_tables();
    if (invalidations != started) {
        static GrantSet once;
        once = loaded;
        return once;
    }
    bool found;
    auto* entry = static_cast<GrantSet*>(hash_search(grant_sets, &principal, HASH_ENTER, &found));
    entry->principal = principal;
    entry->count = loaded.count;
    entry->grants = static_cast<Grant*>(MemoryContextAlloc(principal_context, sizeof(Grant) * Max(loaded.count, 1)));
    entry->networks =
        static_cast<Networks*>(MemoryContextAlloc(principal_context, sizeof(Networks) * Max(loaded.count, 1)));
    for (int i = 0; i < loaded.count; i++) {
        new (&entry->grants[i]) Grant(loaded.grants[i]);
        Networks n = loaded.networks[i];
        entry->networks[i] = Networks{n.count, nullptr};
        if (n.count >= 0) {
            entry->networks[i].blocks =
                static_cast<char**>(MemoryContextAlloc(principal_context, sizeof(char*) * Max(n.count, 1)));
            for (int j = 0; j < n.count; j++)
                entry->networks[i].blocks[j] = MemoryContextStrdup(principal_context, n.blocks[j]);
        }
    }
    return *entry;
}

// What the principal's own grants give it for a scope. from_networks is
// matched against the address the assertion named (its ip claim): the
// connection's is the pooler's, which says nothing of the person.
Access principal_access(const Principal& p, Stamp scope)
{
    take_in_access_changes(); // a revocation committed since forgets the decisions below
    if (last_decision != nullptr && last_decision->key.principal == p.id &&
        last_decision->key.account == scope.account && last_decision->key.list == scope.list &&
        strcmp(last_decision->key.client_addr, p.client_addr) == 0 &&
        (last_decision->access.valid_until == kNever || GetCurrentTimestamp() < last_decision->access.valid_until))
        return last_decision->access;
    DecisionKey key;
    memset(&key, 0, sizeof key);
    key.principal = p.id;
    key.account = scope.account;
    key.list = scope.list;
    strlcpy(key.client_addr, p.client_addr, sizeof key.client_addr);
    TimestampTz now = GetCurrentTimestamp();
    if (decisions != nullptr) {
        auto* entry = static_cast<DecisionEntry*>(hash_search(decisions, &key, HASH_FIND, nullptr));
        if (entry != nullptr && now < entry->access.valid_until) {
            last_decision = entry;
            return entry->access;
        }
    }
    const GrantSet& set = grants_of_principal(p.id);
    Grant* grants = static_cast<Grant*>(palloc(sizeof(Grant) * Max(set.count, 1)));
    for (int i = 0; i < set.count; i++)
        grants[i] = set.grants[i];
    const char* client = p.client_addr;
    Access access = guarded([&] {
        for (int i = 0; i < set.count; i++) {
            const Networks& n = set.networks[i];
            if (n.count >= 0)
                grants[i].network_allowed =
                    client_in_networks(client, std::vector<std::string>(n.blocks, n.blocks + n.count));
        }
        return decide(grants, set.count, scope, now);
    });
    pfree(grants);
    ensure_principal_tables();
    auto* entry = static_cast<DecisionEntry*>(hash_search(decisions, &key, HASH_ENTER, nullptr));
    entry->access = access;
    last_decision = entry;
    return access;
}

// Both sides' rights: the lesser reveal, reading and writing only where
// both may. The result's grant is `role`'s (charged as before).
Access intersect(const Access& role, const Access& other)
{
    Access r = role;
    r.can_read = role.can_read && other.can_read;
    r.can_write = role.can_write && other.can_write && r.can_read;
    r.sends = role.sends && other.sends && r.can_read;
    r.valid_until = Min(role.valid_until, other.valid_until);
    if (!r.can_read || other.reveal < role.reveal) {
        r.reveal = r.can_read ? other.reveal : RevealLevel::Masked;
        if (r.reveal == RevealLevel::Masked)
            r.grant = Grant{};
    }
    return r;
}

// The first registered application among the session's roles that
// requires a principal (InvalidOid: none). Remembered per role triple.
struct RequireMemo {
    Oid session_user, outer_user, current_user;
    uint64 generation;
    Oid result;
};
RequireMemo require_memo{InvalidOid, InvalidOid, InvalidOid, 0, InvalidOid};

Oid requiring_application()
{
    const Registry& r = current_registry();
    if (r.apps.empty())
        return InvalidOid;
    Oid roles[3] = {GetUserId(), GetOuterUserId(), GetSessionUserId()};
    if (require_memo.generation == registry_generation && require_memo.current_user == roles[0] &&
        require_memo.outer_user == roles[1] && require_memo.session_user == roles[2])
        return require_memo.result;
    Oid result = InvalidOid;
    for (Oid role : roles)
        for (const AppRow& a : r.apps)
            if (a.role == role && a.require_principal && !OidIsValid(result))
                result = role;
    require_memo = RequireMemo{roles[2], roles[1], roles[0], registry_generation, result};
    return result;
}

// What a require_principal application acting for nobody keeps of a
// decision: the rows the role's grants let it read, masked, and nothing
// more. Nobody is never more than a principal could be: a principal's
// rights are cut down by its own grants, so nobody writes nowhere (a
// principal without a writing grant writes nowhere either), and is no
// sender (it would see every canary).
Access acting_for_nobody(Access access)
{
    access.reveal = RevealLevel::Masked;
    access.grant = Grant{};
    access.sends = false;
    access.can_write = false;
    return access;
}

[[noreturn]] void report_principal_required(Oid application, const char* action, const char* why)
{
    const char* name = GetUserNameFromId(application, true);
    record_event(EventKind::Denied,
                 psprintf("{\"reason\": \"principal required\", \"application\": %s, \"action\": %s}",
                          json_string(name ? name : "?"), json_string(action)));
    ereport(ERROR, (errcode(LG_PRINCIPAL_REQUIRED),
                    errmsg("application \"%s\" must act for a principal to %s", name ? name : "?", action),
                    errdetail("%s", why), errhint("Call listguard.act_as(assertion) in the transaction first.")));
    pg_unreachable();
}

} // namespace

Access session_access(Stamp scope, Grant* principal_grant, Grant* application_grant)
{
    if (principal_grant != nullptr)
        *principal_grant = Grant{};
    if (application_grant != nullptr)
        *application_grant = Grant{};
    Oid role = GetUserId();
    const Principal* p = principal_in_force();
    // Acting for nobody, grants that reach the role through a
    // require_principal application read rows, masked, and nothing more.
    Access access = access_for(role, scope, p == nullptr);
    if (p == nullptr) {
        Oid app = requiring_application();
        if (!OidIsValid(app))
            return access;
        if (static_cast<MissingPrincipal>(missing_principal_setting) == MissingPrincipal::Refuse)
            report_principal_required(app, "read protected rows",
                                      "It was registered with require_principal, and listguard.missing_principal is "
                                      "\"refuse\".");
        return acting_for_nobody(access);
    }
    // An application dropped since the assertion was checked: nothing of
    // the principal's, and masks only.
    if (!application_of(p->application).registered)
        return acting_for_nobody(access);
    Access ceiling = access;
    if (p->application != role) {
        ceiling = access_for(p->application, scope);
        access = intersect(access, ceiling);
    }
    Access own = principal_access(*p, scope);
    access = intersect(access, own);
    if (access.reveal != RevealLevel::Masked) {
        if (principal_grant != nullptr)
            *principal_grant = own.grant;
        // Once only, if the role reaches it through the application.
        if (application_grant != nullptr && p->application != role && ceiling.grant.id != access.grant.id)
            *application_grant = ceiling.grant;
    }
    return access;
}

int applications_requiring_principal(Oid** roles)
{
    const Registry& r = current_registry();
    *roles = static_cast<Oid*>(palloc(sizeof(Oid) * Max(r.apps.size(), size_t{1})));
    int count = 0;
    for (const AppRow& a : r.apps)
        if (a.require_principal)
            (*roles)[count++] = a.role;
    return count;
}

void require_principal_to_request()
{
    if (principal_in_force() != nullptr)
        return;
    Oid app = requiring_application();
    if (OidIsValid(app))
        report_principal_required(app, "ask for access",
                                  "It was registered with require_principal: acting for nobody it would ask for a "
                                  "grant of its own, above every principal behind it.");
}

bool principal_narrows_session()
{
    if (principal_in_force() != nullptr)
        return true;
    return static_cast<MissingPrincipal>(missing_principal_setting) == MissingPrincipal::Refuse &&
           OidIsValid(requiring_application());
}

int64 principal_in_force_id()
{
    const Principal* p = principal_in_force();
    return p == nullptr ? 0 : p->id;
}

bool principal_has_grant(int64 grant_id)
{
    const Principal* p = principal_in_force();
    if (p == nullptr)
        return false;
    const GrantSet& set = grants_of_principal(p->id);
    for (int i = 0; i < set.count; i++)
        if (set.grants[i].id == grant_id)
            return true;
    return false;
}

Application application_of(Oid role)
{
    const Registry& r = current_registry();
    Application app;
    for (const AppRow& a : r.apps)
        if (a.role == role) {
            app.registered = true;
            app.require_principal = a.require_principal;
            app.session_principals = a.session_principals;
        }
    for (const AppKey& k : r.keys)
        if (k.role == role)
            app.keys++;
    return app;
}

Oid application_with_member(Oid role)
{
    const Registry& r = current_registry();
    for (const AppRow& a : r.apps)
        if (is_member_of_role_nosuper(role, a.role))
            return a.role;
    return InvalidOid;
}

Oid acting_application()
{
    for (Oid role : {GetUserId(), GetOuterUserId(), GetSessionUserId()})
        if (application_of(role).registered)
            return role;
    return InvalidOid;
}

KeyCheck verify_application_signature(Oid application, const char* kid, std::string_view signing_input,
                                      std::string_view signature)
{
    const Registry& r = current_registry();
    // No PostgreSQL call from here on: the registry stays as it is.
    return guarded([&] {
        bool any = false, kid_elsewhere = false;
        for (const AppKey& k : r.keys) {
            if (kid != nullptr && k.kid != kid)
                continue;
            if (k.role != application) {
                kid_elsewhere = kid_elsewhere || kid != nullptr;
                continue;
            }
            any = true;
            if (k.verifier->verify(signing_input, signature))
                return KeyCheck::Verified;
        }
        if (!any && kid != nullptr)
            return kid_elsewhere ? KeyCheck::KidOfAnother : KeyCheck::UnknownKid;
        if (!any)
            return KeyCheck::NoKey;
        return KeyCheck::BadSignature;
    });
}

bool find_principal(const char* name, PrincipalEntry* out)
{
    take_in_access_changes();
    NameKey key;
    memset(&key, 0, sizeof key);
    if (strlen(name) >= sizeof key.name)
        return false;
    strlcpy(key.name, name, sizeof key.name);
    if (names != nullptr) {
        auto* found = static_cast<NameEntry*>(hash_search(names, &key, HASH_FIND, nullptr));
        if (found != nullptr) {
            *out = found->entry;
            return true;
        }
    }
    const Objects& o = principal_objects();
    if (!o.valid)
        return false;
    uint64 started = invalidations;
    ScanKeyData skey;
    ScanKeyInit(&skey, listguard_column(o.users, "name"), BTEqualStrategyNumber, F_TEXTEQ, CStringGetTextDatum(name));
    Relation rel = table_open(o.users, AccessShareLock);
    SysScanDesc scan = systable_beginscan(rel, o.users_by_name, true, nullptr, 1, &skey);
    HeapTuple tuple = systable_getnext(scan);
    bool exists = HeapTupleIsValid(tuple);
    PrincipalEntry entry;
    if (exists) {
        TupleDesc desc = RelationGetDescr(rel);
        bool isnull;
        entry.id = DatumGetInt64(heap_getattr(tuple, listguard_column(o.users, "id"), desc, &isnull));
        Datum d = heap_getattr(tuple, listguard_column(o.users, "account"), desc, &isnull);
        entry.has_account = !isnull;
        entry.account = isnull ? 0 : DatumGetInt64(d);
    }
    systable_endscan(scan);
    table_close(rel, AccessShareLock);
    if (!exists)
        return false;
    *out = entry;
    if (invalidations == started) {
        ensure_principal_tables();
        auto* slot = static_cast<NameEntry*>(hash_search(names, &key, HASH_ENTER, nullptr));
        slot->entry = entry;
    }
    return true;
}

void forget_principal_caches() noexcept
{
    invalidations++;
    // Which grants need a principal follows the registry.
    reset_access_cache();
    objects.valid = false;
    if (registry != nullptr) {
        // Freed at the next load: a caller up the stack may hold it.
        if (stale_registry == nullptr)
            stale_registry = registry;
        registry = nullptr;
    }
    last_decision = nullptr;
    names = nullptr;
    grant_sets = nullptr;
    decisions = nullptr;
    if (principal_context != nullptr)
        MemoryContextReset(principal_context);
}

void check_drop_application_roles(Node* stmt)
{
    if (!IsA(stmt, DropRoleStmt) || !IsTransactionState() || !OidIsValid(listguard_objects().schema))
        return;
    ListCell* lc;
    foreach (lc, castNode(DropRoleStmt, stmt)->roles) {
        auto* spec = static_cast<RoleSpec*>(lfirst(lc));
        if (spec->roletype != ROLESPEC_CSTRING)
            continue;
        Oid role = get_role_oid(spec->rolename, true);
        if (OidIsValid(role) && application_of(role).registered)
            ereport(ERROR,
                    (errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
                     errmsg("role \"%s\" cannot be dropped because it is a listguard application", spec->rolename),
                     errdetail("It is registered in listguard.applications of this database."),
                     errhint("Drop the application first: SELECT listguard.drop_application('%s');", spec->rolename)));
    }
}

namespace {

bool is_one_of(const Objects& o, Oid relid) noexcept
{
    return o.valid && OidIsValid(relid) && (relid == o.applications || relid == o.application_keys || relid == o.users);
}

} // namespace

bool is_principal_relation(Oid relid)
{
    return is_one_of(principal_objects(), relid);
}

bool is_principal_table(Oid relid) noexcept
{
    return is_one_of(objects, relid);
}

} // namespace listguard::pg
