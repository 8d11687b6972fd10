#include "pg/citus/citus.h"

#include <dlfcn.h>

extern "C" {
#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/xact.h"
#include "catalog/pg_namespace.h"
#include "commands/extension.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
}

namespace listguard::pg {

namespace {

using BoolFn = bool (*)();
using GroupFn = int32 (*)();
using RelFn = bool (*)(Oid);
using ShardIdFn = uint64 (*)(const char*, bool);
using ShardRelFn = Oid (*)(int64, bool);
using GpidFn = uint64 (*)();

struct Library {
    bool looked = false;
    void* handle = nullptr;
    void* base = nullptr; // where the library is mapped (dladdr's dli_fbase)
    BoolFn has_been_loaded = nullptr;
    GroupFn local_group_id = nullptr;
    RelFn is_citus_table = nullptr;
    RelFn is_known_shard = nullptr;
    ShardIdFn shard_id_of_name = nullptr;
    ShardRelFn relation_of_shard = nullptr;
    GpidFn global_pid = nullptr;
    PGFunction run_on_remote_nodes = nullptr;
};

Library citus;
bool avoid_calls = false;

template <typename T>
T symbol(const char* name)
{
    return reinterpret_cast<T>(dlsym(citus.handle, name));
}

// Finds Citus's library if this process has loaded it (never loads it).
Library& library()
{
    if (citus.looked)
        return citus;
    citus.looked = true;
    char path[MAXPGPATH];
    snprintf(path, sizeof path, "%s/citus%s", pkglib_path, DLSUFFIX);
    citus.handle = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
    if (citus.handle == nullptr)
        return citus;
    citus.has_been_loaded = symbol<BoolFn>("CitusHasBeenLoaded");
    citus.local_group_id = symbol<GroupFn>("GetLocalGroupId");
    citus.is_citus_table = symbol<RelFn>("IsCitusTable");
    citus.is_known_shard = symbol<RelFn>("RelationIsAKnownShard");
    citus.shard_id_of_name = symbol<ShardIdFn>("ExtractShardIdFromTableName");
    citus.relation_of_shard = symbol<ShardRelFn>("LookupShardRelationFromCatalog");
    citus.global_pid = symbol<GpidFn>("GetGlobalPID");
    citus.run_on_remote_nodes = symbol<PGFunction>("execute_command_on_remote_nodes_as_user");
    Dl_info info;
    if (citus.has_been_loaded != nullptr && dladdr(reinterpret_cast<void*>(citus.has_been_loaded), &info) != 0)
        citus.base = info.dli_fbase;
    bool complete = citus.has_been_loaded && citus.local_group_id && citus.is_citus_table && citus.is_known_shard &&
                    citus.shard_id_of_name && citus.relation_of_shard && citus.global_pid &&
                    citus.run_on_remote_nodes && citus.base;
    if (!complete) {
        ereport(WARNING, (errmsg("listguard does not know this version of Citus"),
                          errdetail("Functions it needs are missing from \"%s\".", path),
                          errhint("listguard works with Citus 11 to 13; values of Citus tables cannot travel "
                                  "between its nodes.")));
        citus.handle = nullptr;
    }
    return citus;
}

} // namespace

bool citus_loaded()
{
    return library().handle != nullptr;
}

void avoid_citus_calls() noexcept
{
    avoid_calls = true;
}

bool citus_active()
{
    Library& l = library();
    return !avoid_calls && l.handle != nullptr && IsTransactionState() && l.has_been_loaded();
}

int32 citus_group_id()
{
    return citus_active() ? library().local_group_id() : 0;
}

bool citus_is_worker()
{
    if (avoid_calls)
        return IsTransactionState() && citus_is_worker_by_catalog();
    return citus_group_id() != 0;
}

bool citus_is_worker_by_catalog()
{
    if (!citus_loaded() || !OidIsValid(get_extension_oid("citus", true)))
        return false;
    Oid local_group = get_relname_relid("pg_dist_local_group", PG_CATALOG_NAMESPACE);
    if (!OidIsValid(local_group))
        return false;
    bool worker = false;
    Relation rel = table_open(local_group, AccessShareLock);
    SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, nullptr, 0, nullptr);
    HeapTuple tuple = systable_getnext(scan);
    if (HeapTupleIsValid(tuple)) {
        bool isnull;
        Datum group = heap_getattr(tuple, 1, RelationGetDescr(rel), &isnull);
        worker = !isnull && DatumGetInt32(group) != 0;
    }
    systable_endscan(scan);
    table_close(rel, AccessShareLock);
    return worker;
}

bool citus_is_table(Oid relid)
{
    return OidIsValid(relid) && citus_active() && library().is_citus_table(relid);
}

Oid citus_table_of_shard(Oid relid)
{
    if (!OidIsValid(relid) || !citus_active())
        return InvalidOid;
    // Only names that end in _<shard id> can be shards: no catalog is read
    // for any other relation.
    char* name = get_rel_name(relid);
    if (name == nullptr)
        return InvalidOid;
    Library& l = library();
    uint64 shard = l.shard_id_of_name(name, true);
    if (shard == 0 || !l.is_known_shard(relid))
        return InvalidOid;
    return l.relation_of_shard(static_cast<int64>(shard), true);
}

bool is_name_on_shard(const char* name, const char* expected, Oid relid)
{
    if (strcmp(name, expected) == 0)
        return true;
    std::size_t n = strlen(expected);
    if (strncmp(name, expected, n) != 0 || name[n] != '_' || !OidIsValid(citus_table_of_shard(relid)))
        return false;
    const char* rel = get_rel_name(relid);
    const char* suffix = rel ? strrchr(rel, '_') : nullptr;
    return suffix != nullptr && strcmp(name + n, suffix) == 0;
}

const char* name_on_shard(const char* name, Oid relid)
{
    if (!OidIsValid(citus_table_of_shard(relid)))
        return name;
    const char* rel = get_rel_name(relid);
    const char* suffix = rel ? strrchr(rel, '_') : nullptr;
    return suffix ? psprintf("%s%s", name, suffix) : name;
}

bool citus_owns_address(const void* address)
{
    Library& l = library();
    if (l.handle == nullptr || address == nullptr)
        return false;
    // Asked at every executor run with the receiver's function: the few
    // addresses seen are remembered (dladdr() searches the loaded objects).
    struct Seen {
        const void* address;
        bool citus;
    };
    static Seen seen[8];
    static int next = 0;
    for (const Seen& s : seen)
        if (s.address == address)
            return s.citus;
    Dl_info info;
    bool citus = dladdr(address, &info) != 0 && info.dli_fbase == l.base;
    seen[next] = Seen{address, citus};
    next = (next + 1) % 8;
    return citus;
}

uint64 citus_global_pid()
{
    Library& l = library();
    return l.handle != nullptr && !avoid_calls ? l.global_pid() : 0;
}

namespace {
bool catalog_changed = false;
} // namespace

void note_catalog_change() noexcept
{
    catalog_changed = true;
}

bool catalog_change_pending() noexcept
{
    return catalog_changed;
}

void forget_catalog_change() noexcept
{
    catalog_changed = false;
}

void citus_run_on_other_nodes(const char* command, const char* user)
{
    Library& l = library();
    if (l.handle == nullptr)
        return;
    DirectFunctionCall2(l.run_on_remote_nodes, PointerGetDatum(cstring_to_text(command)),
                        PointerGetDatum(cstring_to_text(user)));
}

} // namespace listguard::pg
