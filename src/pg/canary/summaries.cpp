#include "pg/canary/summaries.h"

#include "pg/audit/reveal_spool.h"

#include "core/canary/reveal_summary.h"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
}

namespace listguard::pg {

namespace {

struct Pending {
    RoleSummaries* roles;
    int role_count;
    int32 since;
    int* room; // per role
};

RoleSummaries* find_role(RoleSummaries* roles, int count, Oid role)
{
    for (int i = 0; i < count; i++)
        if (roles[i].role == role)
            return &roles[i];
    return nullptr;
}

void add_pending(Pending* p, RoleSummaries* s, int32 day, const uint64* keys, uint32 n)
{
    int index = static_cast<int>(s - p->roles);
    int& room = p->room[index];
    if (s->pending_count + static_cast<int>(n) > room) {
        int grown = Max(room * 2, s->pending_count + static_cast<int>(n) + 64);
        s->pending = static_cast<uint64*>(s->pending == nullptr ? palloc(sizeof(uint64) * grown)
                                                                : repalloc(s->pending, sizeof(uint64) * grown));
        s->pending_day =
            static_cast<int32*>(s->pending_day == nullptr ? palloc(sizeof(int32) * grown)
                                                          : repalloc(s->pending_day, sizeof(int32) * grown));
        room = grown;
    }
    for (uint32 i = 0; i < n; i++) {
        s->pending[s->pending_count] = keys[i];
        s->pending_day[s->pending_count] = day;
        s->pending_count++;
    }
}

void take_spool_record(void* arg, const SpoolRecordHeader& h, const uint64* keys)
{
    auto* p = static_cast<Pending*>(arg);
    if (h.day < p->since)
        return;
    RoleSummaries* as_role = find_role(p->roles, p->role_count, static_cast<Oid>(h.role));
    RoleSummaries* as_login =
        h.login != h.role ? find_role(p->roles, p->role_count, static_cast<Oid>(h.login)) : nullptr;
    if (as_role != nullptr)
        add_pending(p, as_role, h.day, keys, h.count);
    if (as_login != nullptr)
        add_pending(p, as_login, h.day, keys, h.count);
}

struct KeyDay {
    uint64 key;
    int32 day;
};

int compare_key_days(const void* a, const void* b)
{
    const auto* x = static_cast<const KeyDay*>(a);
    const auto* y = static_cast<const KeyDay*>(b);
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return x->day < y->day ? -1 : x->day > y->day ? 1 : 0;
}

// Sorts a role's pending keys (by key, then day).
void sort_pending(RoleSummaries& s)
{
    if (s.pending_count == 0)
        return;
    auto* pairs = static_cast<KeyDay*>(palloc(sizeof(KeyDay) * s.pending_count));
    for (int i = 0; i < s.pending_count; i++)
        pairs[i] = KeyDay{s.pending[i], s.pending_day[i]};
    qsort(pairs, s.pending_count, sizeof(KeyDay), compare_key_days);
    for (int i = 0; i < s.pending_count; i++) {
        s.pending[i] = pairs[i].key;
        s.pending_day[i] = pairs[i].day;
    }
    pfree(pairs);
}

} // namespace

RoleSummaries* load_role_summaries(const Oid* roles, int role_count, int32 since)
{
    auto* out = static_cast<RoleSummaries*>(palloc0(sizeof(RoleSummaries) * Max(role_count, 1)));
    for (int i = 0; i < role_count; i++)
        out[i].role = roles[i];
    if (role_count == 0)
        return out;
    MemoryContext outer = CurrentMemoryContext;

    // The spool first: a file the writer folds meanwhile is in the table by
    // the time the table is read (each SPI query takes a new snapshot, but
    // in a transaction that keeps one snapshot: then folded files too).
    Pending pending{out, role_count, since, static_cast<int*>(palloc0(sizeof(int) * role_count))};
    read_spool_files(MyDatabaseId, IsolationUsesXactSnapshot(), take_spool_record, &pending);
    for (int i = 0; i < role_count; i++)
        sort_pending(out[i]);

    Datum* role_datums = static_cast<Datum*>(palloc(sizeof(Datum) * role_count));
    for (int i = 0; i < role_count; i++)
        role_datums[i] = ObjectIdGetDatum(roles[i]);
    Oid types[2] = {OIDARRAYOID, DATEOID};
    Datum args[2] = {PointerGetDatum(construct_array(role_datums, role_count, OIDOID, sizeof(Oid), true, TYPALIGN_INT)),
                     DateADTGetDatum(since)};
    if (SPI_execute_with_args("SELECT s.role::pg_catalog.oid, s.day, s.bits FROM listguard.reveal_summaries s "
                              "WHERE s.role::pg_catalog.oid OPERATOR(pg_catalog.=) ANY ($1) "
                              "AND s.day OPERATOR(pg_catalog.>=) $2",
                              2, types, args, nullptr, true, 0) != SPI_OK_SELECT)
        elog(ERROR, "could not read listguard.reveal_summaries");
    uint64 rows = SPI_processed;
    int* room = static_cast<int*>(palloc0(sizeof(int) * role_count));
    for (uint64 r = 0; r < rows; r++) {
        HeapTuple tuple = SPI_tuptable->vals[r];
        TupleDesc desc = SPI_tuptable->tupdesc;
        bool isnull;
        Oid role = DatumGetObjectId(SPI_getbinval(tuple, desc, 1, &isnull));
        int32 day = DatumGetDateADT(SPI_getbinval(tuple, desc, 2, &isnull));
        Datum bits_datum = SPI_getbinval(tuple, desc, 3, &isnull);
        RoleSummaries* s = find_role(out, role_count, role);
        if (s == nullptr || isnull)
            continue;
        MemoryContext old = MemoryContextSwitchTo(outer);
        bytea* bits = DatumGetByteaPCopy(bits_datum);
        int index = static_cast<int>(s - out);
        if (s->filter_count == room[index]) {
            room[index] = Max(8, room[index] * 2);
            s->filters = static_cast<SummaryFilterRef*>(
                s->filters == nullptr ? palloc(sizeof(SummaryFilterRef) * room[index])
                                      : repalloc(s->filters, sizeof(SummaryFilterRef) * room[index]));
        }
        MemoryContextSwitchTo(old);
        s->filters[s->filter_count++] =
            SummaryFilterRef{reinterpret_cast<const uint8*>(VARDATA(bits)), VARSIZE(bits) - VARHDRSZ, day};
    }
    SPI_freetuptable(SPI_tuptable);
    for (int i = 0; i < role_count; i++) {
        FalsePositiveRate rate;
        for (int f = 0; f < out[i].filter_count; f++)
            rate.add(summary_false_positive_rate(out[i].filters[f].bits, out[i].filters[f].octets));
        out[i].false_positive_rate = rate.rate();
        out[i].within_bound = rate.within_bound();
    }
    return out;
}

bool summaries_hold(const RoleSummaries& s, uint64 key, int32 from)
{
    for (int i = 0; i < s.filter_count; i++)
        if (s.filters[i].day >= from && summary_contains(s.filters[i].bits, s.filters[i].octets, key))
            return true;
    // The first pending entry of this key, then its days.
    int lo = 0, hi = s.pending_count;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (s.pending[mid] < key)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (int i = lo; i < s.pending_count && s.pending[i] == key; i++)
        if (s.pending_day[i] >= from)
            return true;
    return false;
}

} // namespace listguard::pg
