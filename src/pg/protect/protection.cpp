#include "pg/protect/protection.h"

#include "pg/base/catalog.h"
#include "pg/citus/citus.h"

extern "C" {
#include "access/htup_details.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
}

namespace listguard::pg {

namespace {

struct Entry {
    Oid relid;
    Protection protection;
};

MemoryContext cache_context = nullptr;
HTAB* protections = nullptr; // every protected table of the database, when loaded

void load()
{
    Oid config = listguard_objects().protected_tables;
    if (!OidIsValid(config))
        return;
    AttrNumber a_relid = listguard_column(config, "relid");
    AttrNumber a_account = listguard_column(config, "account_column");
    AttrNumber a_list = listguard_column(config, "list_column");
    AttrNumber a_audit = listguard_column(config, "audit");
    // 0.1's table has no root column (every table was its own root): the
    // library reads it until ALTER EXTENSION listguard UPDATE adds it.
    AttrNumber a_root = get_attnum(config, "root");
    // Read into a local table first: an invalidation while the table is
    // read may forget the cache.
    List* rows = nullptr;
    scan_listguard_table(config, [&](HeapTuple tuple, TupleDesc desc) {
        bool isnull;
        auto* e = static_cast<Entry*>(palloc0(sizeof(Entry)));
        e->relid = DatumGetObjectId(heap_getattr(tuple, a_relid, desc, &isnull));
        e->protection.is_protected = true;
        namestrcpy(&e->protection.account_column,
                   NameStr(*DatumGetName(heap_getattr(tuple, a_account, desc, &isnull))));
        Datum list = heap_getattr(tuple, a_list, desc, &isnull);
        namestrcpy(&e->protection.list_column, isnull ? "" : NameStr(*DatumGetName(list)));
        char* audit = TextDatumGetCString(heap_getattr(tuple, a_audit, desc, &isnull));
        e->protection.audit = audit[0];
        Datum root = a_root != InvalidAttrNumber ? heap_getattr(tuple, a_root, desc, &isnull) : (isnull = true, 0);
        e->protection.root = isnull ? e->relid : DatumGetObjectId(root);
        rows = lappend(rows, e);
        return true;
    });
    if (cache_context == nullptr)
        cache_context = AllocSetContextCreate(TopMemoryContext, "listguard protections", ALLOCSET_SMALL_SIZES);
    HASHCTL ctl;
    ctl.keysize = sizeof(Oid);
    ctl.entrysize = sizeof(Entry);
    ctl.hcxt = cache_context;
    HTAB* table = hash_create("listguard protections", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    ListCell* lc;
    foreach (lc, rows) {
        auto* row = static_cast<Entry*>(lfirst(lc));
        auto* e = static_cast<Entry*>(hash_search(table, &row->relid, HASH_ENTER, nullptr));
        e->protection = row->protection;
    }
    protections = table;
}

} // namespace

Protection protection_of(Oid relid)
{
    if (!OidIsValid(relid))
        return {};
    if (protections == nullptr)
        load();
    if (protections == nullptr)
        return {};
    auto* e = static_cast<Entry*>(hash_search(protections, &relid, HASH_FIND, nullptr));
    if (e != nullptr)
        return e->protection;
    // A shard of a protected Citus table is protected as its table is (on
    // a worker, the shell that listguard.protected_tables names).
    Oid table = citus_table_of_shard(relid);
    if (!OidIsValid(table) || table == relid || protections == nullptr)
        return {};
    e = static_cast<Entry*>(hash_search(protections, &table, HASH_FIND, nullptr));
    if (e == nullptr)
        return {};
    Protection shard = e->protection;
    e = static_cast<Entry*>(hash_search(protections, &relid, HASH_ENTER, nullptr));
    e->relid = relid;
    e->protection = shard;
    return shard;
}

List* protected_tables_in(Oid schema)
{
    if (protections == nullptr)
        load();
    List* all = nullptr;
    if (protections == nullptr || !OidIsValid(schema))
        return all;
    HASH_SEQ_STATUS status;
    hash_seq_init(&status, protections);
    Entry* e;
    while ((e = static_cast<Entry*>(hash_seq_search(&status))) != nullptr)
        all = lappend_oid(all, e->relid);
    // Catalog lookups may forget the cache: only after the scan.
    List* tables = nullptr;
    ListCell* lc;
    foreach (lc, all)
        if (get_rel_namespace(lfirst_oid(lc)) == schema)
            tables = lappend_oid(tables, lfirst_oid(lc));
    return tables;
}

bool is_scope_column(const Protection& p, const char* column)
{
    return column != nullptr && p.is_protected &&
           (strcmp(column, NameStr(p.account_column)) == 0 || strcmp(column, NameStr(p.list_column)) == 0);
}

void forget_protections() noexcept
{
    protections = nullptr;
    if (cache_context != nullptr)
        MemoryContextReset(cache_context);
}

} // namespace listguard::pg
