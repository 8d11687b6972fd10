#include "pg/access/cache.h"

#include <new>
#include <string>
#include <type_traits>
#include <vector>

#include "pg/access/generation.h"
#include "pg/access/principals.h"
#include "pg/access/reveal.h"
#include "pg/access/roles.h"
#include "pg/base/array_elements.h"
#include "pg/base/catalog.h"
#include "pg/base/guard.h"
#include "pg/base/session_info.h"
#include "pg/citus/transit.h"

#include "core/access/network.h"
#include "core/access/reveal_level.h"

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"
#include "utils/timestamp.h"
}

namespace listguard::pg {

namespace {

// Grants and decisions live in palloc'd memory that is reset wholesale.
static_assert(std::is_trivially_copyable_v<Grant> && std::is_trivially_destructible_v<Grant>);
static_assert(std::is_trivially_copyable_v<Access> && std::is_trivially_destructible_v<Access>);

struct ScopeKey {
    Oid role;
    Oid without_principal; // 0 or 1 (an Oid: no padding, HASH_BLOBS hashes every byte)
    int64 account;
    int64 list;
};

struct ScopeEntry {
    ScopeKey key;
    Access access;
};

struct RoleEntry {
    Oid role;
    int count;
    Grant* grants;
};

MemoryContext cache_context = nullptr;
uint64 cache_epoch = 1; // counts resets
HTAB* scopes = nullptr;
HTAB* roles = nullptr;

// A direct-mapped memo of decisions, checked before the hash table: one
// slot per hash of (role, account, list), so rows of many interleaved lists
// cost one probe each (a COPY of a table whose rows cycle through a few
// lists asks for a different scope at every row, and asks twice: the row
// policy and the output). 1024 slots (8 kB): an ESP's import cycling
// through 50 accounts of 7 lists each (350 scopes) missed 64 slots at
// nearly every row, and a miss costs a hash lookup and a clock read.
constexpr int kMemoSlots = 1024;
ScopeEntry* memo[kMemoSlots] = {};

inline int memo_slot(Oid role, Stamp scope, Oid without_principal)
{
    uint64 h = static_cast<uint64>(scope.account) * UINT64CONST(0x9E3779B97F4A7C15) ^
               static_cast<uint64>(scope.list) * UINT64CONST(0xC2B2AE3D27D4EB4F) ^ role ^
               (static_cast<uint64>(without_principal) << 40);
    return static_cast<int>((h >> 32) & (kMemoSlots - 1));
}

// Expiry is compared with the clock, not with the start of the statement or
// transaction: a procedure that commits in a loop, a cursor or a prepared
// statement runs on past a grant's end otherwise.
TimestampTz clock_now()
{
    return GetCurrentTimestamp();
}

// A remembered decision for role and scope that has not expired; the clock
// is read only for decisions that can expire.
bool usable(const ScopeEntry* e, Oid role, Stamp scope, Oid without_principal)
{
    return e != nullptr && e->key.role == role && e->key.without_principal == without_principal &&
           e->key.account == scope.account && e->key.list == scope.list &&
           (e->access.valid_until == kNever || clock_now() < e->access.valid_until);
}

void remember(ScopeEntry* e)
{
    memo[memo_slot(e->key.role, Stamp{e->key.account, e->key.list}, e->key.without_principal)] = e;
}

bool network_allowed(Datum networks)
{
    // A connection a Citus node opened comes from that node, not from the
    // client: grants limited to networks do not apply there (fail closed).
    if (session_claims_citus_internal())
        return false;
    ArrayElements listed = array_elements(networks, CIDROID);
    Oid out_fn;
    bool varlena;
    getTypeOutputInfo(CIDROID, &out_fn, &varlena);
    char** blocks = static_cast<char**>(palloc(sizeof(char*) * (listed.count + 1)));
    for (int i = 0; i < listed.count; i++)
        blocks[i] = listed.nulls[i] ? pstrdup("") : OidOutputFunctionCall(out_fn, listed.values[i]);
    const char* client = client_address();
    return guarded([&] {
        std::vector<std::string> list(blocks, blocks + listed.count);
        return client_in_networks(client, list);
    });
}

// Reads the grants that apply to role into a palloc'd array (in the current
// memory context: invalidations may reset the cache while the table is
// being opened).
Grant* load_grants(Oid role, int* count)
{
    *count = 0;
    Oid grants_oid = listguard_objects().grants;
    if (!OidIsValid(grants_oid))
        return nullptr;

    auto column = [grants_oid](const char* name) { return listguard_column(grants_oid, name); };
    AttrNumber a_id = column("id"), a_grantee = column("grantee"), a_account = column("account"),
               a_list = column("list"), a_reveal = column("reveal"), a_write = column("can_write"),
               a_limit = column("quota_limit"), a_window = column("quota_window"), a_exceed = column("on_exceed"),
               a_until = column("valid_until"), a_networks = column("from_networks");
    // New in 0.2: a 0.1 catalog (before ALTER EXTENSION UPDATE) has no senders.
    AttrNumber a_sends = get_attnum(grants_oid, "sends");

    // Grants that reach the role only through require_principal
    // applications need a principal.
    Oid* applications = nullptr;
    int application_count = applications_requiring_principal(&applications);

    int capacity = 16;
    Grant* result = static_cast<Grant*>(palloc(sizeof(Grant) * capacity));
    scan_listguard_table(grants_oid, [&](HeapTuple tuple, TupleDesc desc) {
        bool isnull;
        Oid grantee = DatumGetObjectId(heap_getattr(tuple, a_grantee, desc, &isnull));
        if (isnull || !role_receives_grants_of(role, grantee))
            return true;
        if (*count == capacity) {
            capacity *= 2;
            result = static_cast<Grant*>(repalloc(result, sizeof(Grant) * capacity));
        }
        Grant g;
        g.id = DatumGetInt64(heap_getattr(tuple, a_id, desc, &isnull));
        Datum d = heap_getattr(tuple, a_account, desc, &isnull);
        if (!isnull)
            g.account = DatumGetInt64(d);
        d = heap_getattr(tuple, a_list, desc, &isnull);
        if (!isnull)
            g.list = DatumGetInt64(d);
        d = heap_getattr(tuple, a_reveal, desc, &isnull);
        char* reveal = isnull ? pstrdup("masked") : TextDatumGetCString(d);
        g.reveal = parse_reveal(reveal).value_or(RevealLevel::Masked);
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
        d = heap_getattr(tuple, a_networks, desc, &isnull);
        g.network_allowed = isnull || network_allowed(d);
        if (a_sends != InvalidAttrNumber) {
            d = heap_getattr(tuple, a_sends, desc, &isnull);
            g.sends = !isnull && DatumGetBool(d);
        }
        g.needs_principal =
            application_count > 0 && !role_receives_grants_of_avoiding(role, grantee, applications, application_count);
        new (&result[(*count)++]) Grant(g);
        return true;
    });
    return result;
}

void ensure_tables()
{
    if (cache_context == nullptr)
        cache_context = AllocSetContextCreate(TopMemoryContext, "listguard access cache", ALLOCSET_DEFAULT_SIZES);
    if (scopes == nullptr) {
        HASHCTL ctl;
        ctl.keysize = sizeof(ScopeKey);
        ctl.entrysize = sizeof(ScopeEntry);
        ctl.hcxt = cache_context;
        scopes = hash_create("listguard access decisions", 256, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
        ctl.keysize = sizeof(Oid);
        ctl.entrysize = sizeof(RoleEntry);
        roles = hash_create("listguard role grants", 16, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    }
}

const RoleEntry* grants_of(Oid role)
{
    take_in_access_changes();
    if (roles != nullptr) {
        auto* found = static_cast<RoleEntry*>(hash_search(roles, &role, HASH_FIND, nullptr));
        if (found != nullptr)
            return found;
    }
    int count = 0;
    Grant* loaded = load_grants(role, &count);
    ensure_tables();
    bool found_flag;
    auto* entry = static_cast<RoleEntry*>(hash_search(roles, &role, HASH_ENTER, &found_flag));
    entry->count = count;
    entry->grants = static_cast<Grant*>(MemoryContextAlloc(cache_context, sizeof(Grant) * Max(count, 1)));
    for (int i = 0; i < count; i++)
        new (&entry->grants[i]) Grant(loaded[i]);
    return entry;
}

} // namespace

void reset_access_cache() noexcept
{
    cache_epoch++;
    for (ScopeEntry*& e : memo)
        e = nullptr;
    scopes = nullptr;
    roles = nullptr;
    if (cache_context != nullptr)
        MemoryContextReset(cache_context);
}

namespace {

// The decision for role and scope when the memo holds none: from the
// cache's table, or made now. Not inlined, so that the hot path below keeps
// a small frame.
__attribute__((noinline)) const ScopeEntry* entry_made_for(Oid role, Stamp scope, Oid without_principal)
{
    TimestampTz now = clock_now();

    ScopeKey key;
    memset(&key, 0, sizeof key);
    key.role = role;
    key.without_principal = without_principal;
    key.account = scope.account;
    key.list = scope.list;
    if (scopes != nullptr) {
        auto* entry = static_cast<ScopeEntry*>(hash_search(scopes, &key, HASH_FIND, nullptr));
        if (entry != nullptr && now < entry->access.valid_until) {
            remember(entry);
            return entry;
        }
    }

    const RoleEntry* grants = grants_of(role);
    Access access = guarded([&] { return decide(grants->grants, grants->count, scope, now, without_principal != 0); });
    ensure_tables();
    auto* entry = static_cast<ScopeEntry*>(hash_search(scopes, &key, HASH_ENTER, nullptr));
    entry->access = access;
    remember(entry);
    return entry;
}

// The cached decision for role and scope, made now if there is none that
// holds. Valid until the cache is next reset: use it at once.
const ScopeEntry* entry_for(Oid role, Stamp scope, bool without_principal)
{
    take_in_access_changes();
    // The hot path: one probe and a few comparisons.
    Oid mode = without_principal ? 1 : 0;
    ScopeEntry* hit = memo[memo_slot(role, scope, mode)];
    if (usable(hit, role, scope, mode))
        return hit;
    return entry_made_for(role, scope, mode);
}

} // namespace

Access access_for(Oid role, Stamp scope, bool without_principal)
{
    return entry_for(role, scope, without_principal)->access;
}

const Access& cached_access_for(Oid role, Stamp scope, bool without_principal)
{
    return entry_for(role, scope, without_principal)->access;
}

AccountRange account_range_for(Oid role, bool write)
{
    // Remembered until the cache is reset (a recheck condition asks for
    // every row of a lossy bitmap page).
    static struct {
        uint64 epoch;
        Oid role;
        bool write;
        AccountRange range;
    } last = {0, InvalidOid, false, {}};
    take_in_access_changes();
    // A backup's dump reads every account (reveal.h).
    if (!write && reads_as_backup(role))
        return AccountRange{true, INT64_MIN, INT64_MAX};
    if (last.epoch == cache_epoch && last.role == role && last.write == write)
        return last.range;
    const RoleEntry* grants = grants_of(role);
    AccountRange range = account_range(grants->grants, grants->count, write);
    last = {cache_epoch, role, write, range};
    return range;
}

bool role_reads_every_scope(Oid role)
{
    const RoleEntry* grants = grants_of(role);
    for (int i = 0; i < grants->count; i++)
        if (!grants->grants[i].account && !grants->grants[i].list)
            return true;
    return false;
}

AccessMark access_mark()
{
    take_in_access_changes();
    return AccessMark{seen_access_generation(), cache_epoch};
}

bool access_unchanged_since(const AccessMark& mark) noexcept
{
    return mark.generation != 0 && mark.epoch == cache_epoch && current_access_generation() == mark.generation;
}

bool role_has_grant(Oid role, int64 grant_id)
{
    const RoleEntry* grants = grants_of(role);
    for (int i = 0; i < grants->count; i++)
        if (grants->grants[i].id == grant_id)
            return true;
    return false;
}

bool role_has_unscoped_grant(Oid role, RevealLevel at_least)
{
    const RoleEntry* grants = grants_of(role);
    Micros now = clock_now();
    for (int i = 0; i < grants->count; i++) {
        const Grant& g = grants->grants[i];
        if (!g.account && g.reveal >= at_least && g.network_allowed && (!g.valid_until || now < *g.valid_until))
            return true;
    }
    return false;
}

} // namespace listguard::pg
