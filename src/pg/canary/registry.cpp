#include "pg/canary/registry.h"

#include "pg/access/cache.h"
#include "pg/access/generation.h"
#include "pg/access/principals.h"
#include "pg/audit/statement_counts.h"
#include "pg/base/catalog.h"
#include "pg/base/guard.h"
#include "pg/base/principal_state.h"
#include "pg/keys/keyring.h"
#include "pg/type/stored_value.h"

#include "core/canary/reveal_record.h"
#include "core/email/sealed_email.h"

extern "C" {
#include "access/htup_details.h"
#include "utils/acl.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
}

namespace listguard::pg {

namespace {

struct CanaryEntry {
    uint8 digest[sealed::kDigestSize]; // the key
    Canary canary;
};

MemoryContext canary_context = nullptr;
HTAB* canaries = nullptr; // nullptr: not loaded
long canary_count = 0;

// One bit per value of two digest octets, set for each canary's: a value
// whose bit is clear (all but ~n/65536 of them) is no canary, found
// without a hash lookup.
constexpr int kFilterBits = 1 << 16;
uint64 filter[kFilterBits / 64];

int filter_bit(const uint8* digest)
{
    return (digest[4] << 8) | digest[5];
}

uint64 generation = 0; // counts invalidations

// The highest canary slot seen in any load.
int64 highest_slot = -1;

// Digests are HMAC output: their first octets are already a good hash.
uint32 digest_hash(const void* key, Size)
{
    uint32 h;
    memcpy(&h, key, sizeof h);
    return h;
}

// Loads the table; returns it (and its size) even when an invalidation
// arrived while it was being read, but then does not keep it.
HTAB* load_canaries(long* loaded)
{
    if (canary_context == nullptr)
        canary_context = AllocSetContextCreate(TopMemoryContext, "listguard canaries", ALLOCSET_SMALL_SIZES);
    Oid relid = listguard_objects().canaries;
    // Built in a fresh table, set only when complete: an invalidation that
    // arrives while listguard.canaries is being read leaves nothing half-made.
    MemoryContextReset(canary_context);
    canaries = nullptr;
    uint64 started = generation;
    HASHCTL ctl;
    ctl.keysize = sealed::kDigestSize;
    ctl.entrysize = sizeof(CanaryEntry);
    ctl.hash = digest_hash;
    ctl.hcxt = canary_context;
    HTAB* table = hash_create("listguard canaries", 64, &ctl, HASH_ELEM | HASH_FUNCTION | HASH_CONTEXT);
    long count = 0;
    uint64 new_filter[kFilterBits / 64] = {};
    if (OidIsValid(relid)) {
        auto column = [relid](const char* name) { return listguard_column(relid, name); };
        AttrNumber a_id = column("id"), a_address = column("address"), a_role = column("role"),
                   a_account = column("account"), a_list = column("list");
        // New in 0.3: before ALTER EXTENSION UPDATE there is no principal.
        AttrNumber a_principal = get_attnum(relid, "principal");
        // Before ALTER EXTENSION UPDATE to 0.3 there are no slots.
        AttrNumber a_slot = get_attnum(relid, "slot");
        scan_listguard_table(relid, [&](HeapTuple tuple, TupleDesc desc) {
            bool role_null, address_null, isnull;
            Datum role = heap_getattr(tuple, a_role, desc, &role_null);
            Datum address = heap_getattr(tuple, a_address, desc, &address_null);
            // Removed canaries stay: a transaction that began before the
            // removal still sees their rows, and must not see them as
            // anyone's but their role's.
            if (role_null || address_null)
                return true; // in the pool
            EmailBytes v = email_bytes(reinterpret_cast<struct varlena*>(PG_DETOAST_DATUM_PACKED(address)));
            bool found;
            auto* entry = static_cast<CanaryEntry*>(hash_search(table, sealed::digest_of(v.data), HASH_ENTER, &found));
            entry->canary.id = DatumGetInt64(heap_getattr(tuple, a_id, desc, &isnull));
            entry->canary.role = DatumGetObjectId(role);
            Datum d = heap_getattr(tuple, a_account, desc, &isnull);
            entry->canary.account = isnull ? 0 : DatumGetInt64(d);
            d = heap_getattr(tuple, a_list, desc, &isnull);
            entry->canary.list = isnull ? 0 : DatumGetInt64(d);
            entry->canary.principal = 0;
            if (a_principal != InvalidAttrNumber) {
                d = heap_getattr(tuple, a_principal, desc, &isnull);
                entry->canary.principal = isnull ? 0 : DatumGetInt64(d);
            }
            entry->canary.slot = -1;
            if (a_slot != InvalidAttrNumber) {
                d = heap_getattr(tuple, a_slot, desc, &isnull);
                entry->canary.slot = isnull ? -1 : DatumGetInt32(d);
                highest_slot = Max(highest_slot, entry->canary.slot);
            }
            int bit = filter_bit(sealed::digest_of(v.data));
            new_filter[bit / 64] |= uint64{1} << (bit % 64);
            count++;
            return true;
        });
    }
    *loaded = count;
    // Records of every clear_reveal event have room for the highest slot.
    note_canary_record_slots(RevealRecord::slots_for(highest_slot));
    // From the same rows as the table, kept or not (the lookup uses both).
    memcpy(filter, new_filter, sizeof filter);
    if (generation == started) {
        canaries = table;
        canary_count = count;
    }
    return table;
}

} // namespace

void forget_canaries() noexcept
{
    // The memory goes at the next load (a callback must not free what a
    // caller up the stack may still hold).
    canaries = nullptr;
    canary_count = 0;
    generation++;
}

bool find_canary(const uint8* digest, Canary* canary)
{
    take_in_access_changes(); // a canary planted since, in a session that held its transaction
    HTAB* table = canaries;
    long count = canary_count;
    if (table == nullptr)
        table = load_canaries(&count);
    if (count == 0)
        return false;
    int bit = filter_bit(digest);
    if ((filter[bit / 64] & (uint64{1} << (bit % 64))) == 0)
        return false;
    auto* entry = static_cast<CanaryEntry*>(hash_search(table, digest, HASH_FIND, nullptr));
    if (entry == nullptr)
        return false;
    *canary = entry->canary;
    return true;
}

bool any_canaries()
{
    take_in_access_changes();
    long count = canary_count;
    if (canaries == nullptr)
        load_canaries(&count);
    return count > 0;
}

namespace {

// Is the caller the canary's role, or could it be: a member of it
// (inheriting or not), as current user or as the session's login whatever
// role it set? Comparing its own views must not single its canaries out.
// A principal's canary is its principal's, and its application's (the
// canary's role) acting for nobody: the application can always act for
// nobody, so comparing that view with the principal's must not single the
// principal's canaries out either. The application acting for another
// principal does not see it. A reveal by nobody is the application's.
bool caller_owns(const Canary& canary)
{
    if (canary.principal != 0) {
        const Principal* p = principal_in_force();
        if (p != nullptr)
            return p->id == canary.principal;
    }
    return is_member_of_role_nosuper(GetUserId(), canary.role) ||
           is_member_of_role_nosuper(GetSessionUserId(), canary.role);
}

// Is this stored value a canary: its address is one, and it carries the
// mark (an address a role types in never does)?
bool find_marked_canary(const uint8* value, size_t size, Canary* canary)
{
    if (!find_canary(sealed::digest_of(value), canary))
        return false;
    ensure_keyring();
    return guarded([&] { return keyring().email().is_canary(value, size); });
}

} // namespace

bool row_visible(struct varlena* address)
{
    EmailBytes v = email_bytes(address);
    Canary canary;
    if (!find_marked_canary(v.data, v.size, &canary) || caller_owns(canary))
        return true;
    // Senders are asked about the value's own list, not the scope the caller
    // gave (anyone may call can_read() with any scope), wherever its role
    // copied it.
    return session_access(sealed::stamp_of(v.data)).sends;
}

bool own_canary_address(const uint8* value)
{
    Canary canary;
    return find_canary(sealed::digest_of(value), &canary) && caller_owns(canary);
}

bool own_canary_of(const uint8* value, size_t size, Canary* canary)
{
    return find_marked_canary(value, size, canary) && caller_owns(*canary);
}

} // namespace listguard::pg
