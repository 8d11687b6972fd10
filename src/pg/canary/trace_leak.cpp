// listguard._trace_leak(addresses text[]): who could have leaked a file of
// addresses, and who likely did (core/canary/attribution.h scores it; here
// the counts it needs are gathered).
//
//  1. Each line's address (core/canary/loose_address.h): its keyed digest,
//     that of its loose form (what canaries and summaries are matched by),
//     and its domain's.
//  2. The canaries in the file, by loose digest (listguard.canaries keeps
//     each one's). A file that holds addresses at the canary domains that
//     are no canaries, nor rows of a table that holds canaries, was padded
//     with guesses: then only canaries added as mailboxes count.
//  3. The candidates: the roles the found canaries were planted for, and
//     the senders; what each could see (membership, sending grants).
//  4. The lists of those canaries: how many of their rows the file holds
//     (by digest, no address is opened), and a sample of their rows.
//  5. The reveal summaries of the candidates (pg/canary/summaries.h): which
//     canaries each read in clear, and the share of what it read of each
//     list that the file holds. A role whose summaries may be incomplete
//     (summaries kept only since later, an audit gap, reveals on a standby)
//     counts as having read everything it could see, and the list's share
//     stands for its own.
//
// Everything alive across a PostgreSQL call is palloc'd; C++ runs inside
// guarded() on plain arrays.
#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>

#include "pg/audit/record.h"
#include "pg/base/array_elements.h"
#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/base/settings.h"
#include "pg/base/spi.h"
#include "pg/canary/summaries.h"
#include "pg/keys/keyring.h"
#include "pg/type/stored_value.h"

#include "core/canary/attribution.h"
#include "core/canary/loose_address.h"
#include "core/canary/reveal_summary.h"
#include "core/email/address.h"

extern "C" {
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "common/pg_prng.h"
#include "executor/tuptable.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

PG_FUNCTION_INFO_V1(lg_trace_leak);
PG_FUNCTION_INFO_V1(lg_domain_digest_of);
}

using namespace listguard;
using namespace listguard::pg;

namespace {

constexpr int kDigest = sealed::kDigestSize;
constexpr int kSampleRows = 2000;

struct Line {
    uint8 loose[kDigest];
    uint8 exact[kDigest];
    uint8 domain[kDigest];
    bool loose_differs;
};

struct PlantedCanary {
    int64 id;
    Oid role;
    int64 account;
    int64 list;
    Oid relid;
    char column[NAMEDATALEN];
    bool generated;
    uint8 loose[kDigest];
    uint8 domain[kDigest];
    TimestampTz planted_at;
    bool found;
    int list_index; // into Lists, or -1
};

struct ListInfo {
    Oid relid;
    char column[NAMEDATALEN];
    int64 account;
    int64 list;
    int64 rows;     // in the list, canaries included
    int matched;    // lines of the file found there
    int* lines;     // which (indexes into the deduplicated lines)
    uint64* sample; // summary keys of sampled rows
    const uint8** sample_values;
    size_t* sample_sizes;
    int sample_count;
};

struct Candidate {
    Oid role;
    bool complete; // its summaries tell what it read
    RoleSummaries* summaries;
    int* visible; // canary indexes
    int visible_count;
    bool* revealed;
    double* share;             // per list
    double addresses_revealed; // share of the file's known lines (negative: unknown)
    bool* lines_read;          // per known line, in order (null: unknown)
};

struct Verdict {
    int found, visible, revealed;
    double odds;
    bool likely;
};

// How long each step took, at DEBUG1 (for tuning; no address is logged).
TimestampTz step_start = 0;
void step(const char* what)
{
    TimestampTz now = GetCurrentTimestamp();
    if (step_start != 0)
        elog(DEBUG1, "listguard trace_leak: %s took %.1f ms", what, (now - step_start) / 1000.0);
    step_start = now;
}

int compare_digests(const void* a, const void* b)
{
    return memcmp(a, b, kDigest);
}

// The digest of a domain, as trace_leak compares the canary domains.
void domain_digest(std::string_view domain, uint8* out)
{
    std::string lower(domain);
    for (char& c : lower)
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    keyring().email().digest("@" + lower, out);
}

Datum oid_array(const Oid* oids, int count)
{
    Datum* items = static_cast<Datum*>(palloc(sizeof(Datum) * Max(count, 1)));
    for (int i = 0; i < count; i++)
        items[i] = ObjectIdGetDatum(oids[i]);
    return PointerGetDatum(construct_array(items, count, OIDOID, sizeof(Oid), true, TYPALIGN_INT));
}

void copy_digest(Datum d, uint8* out)
{
    bytea* b = DatumGetByteaPP(d);
    memset(out, 0, kDigest);
    if (VARSIZE_ANY_EXHDR(b) == kDigest)
        memcpy(out, VARDATA_ANY(b), kDigest);
}

// The file's digests in an open-addressing table (by their first octets,
// which are HMAC output): a stored row's digest is looked up in one or two
// probes.
struct LineTable {
    uint64* keys; // 0: empty (a digest whose first octets are 0 is kept out)
    int* lines;
    const uint8 (*digests)[kDigest];
    uint64 mask;
};

uint64 head_of(const uint8* d)
{
    uint64 k;
    memcpy(&k, d, sizeof k);
    return k;
}

LineTable line_table(const uint8 (*digests)[kDigest], const int* lines, int count)
{
    LineTable t;
    uint64 size = 16;
    while (size < static_cast<uint64>(count) * 2)
        size *= 2;
    t.keys = static_cast<uint64*>(palloc0(sizeof(uint64) * size));
    t.lines = static_cast<int*>(palloc(sizeof(int) * size));
    t.digests = digests;
    t.mask = size - 1;
    for (int i = 0; i < count; i++) {
        uint64 k = head_of(digests[i]);
        if (k == 0)
            continue;
        uint64 at = k & t.mask;
        while (t.keys[at] != 0)
            at = (at + 1) & t.mask;
        t.keys[at] = k;
        t.lines[at] = i; // into digests; the line is lines[i]
    }
    (void)lines;
    return t;
}

int find_in(const LineTable& t, const int* lines, const uint8* digest)
{
    uint64 k = head_of(digest);
    for (uint64 at = k & t.mask; t.keys[at] != 0; at = (at + 1) & t.mask)
        if (t.keys[at] == k && memcmp(t.digests[t.lines[at]], digest, kDigest) == 0)
            return lines[t.lines[at]];
    return -1;
}

int find_line(const uint8 (*sorted)[kDigest], const int* index, int count, const uint8* digest)
{
    int lo = 0, hi = count;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        int c = memcmp(sorted[mid], digest, kDigest);
        if (c == 0)
            return index[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

void run(const char* sql, int nargs, Oid* types, Datum* values, bool read_only = true)
{
    if (SPI_execute_with_args(sql, nargs, types, values, nullptr, read_only, 0) < 0)
        elog(ERROR, "listguard trace_leak: query failed: %s", sql);
}

bool get_bool(uint64 row, int column)
{
    bool isnull;
    Datum d = SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, column, &isnull);
    return !isnull && DatumGetBool(d);
}

Datum get_datum(uint64 row, int column, bool* isnull)
{
    return SPI_getbinval(SPI_tuptable->vals[row], SPI_tuptable->tupdesc, column, isnull);
}

// Marks which of the lines probed (sorted digests, each with its line) are
// rows of a table (every table under its protection root, every list; no
// row policy: listguard's own code, elevated). Canary rows do not count.
void mark_rows_of_table(Oid root, const char* column, const uint8 (*probes)[kDigest], const int* probe_line,
                        int probe_count, bool* is_row)
{
    List* leaves = find_all_inheritors(root, AccessShareLock, nullptr);
    ListCell* cell;
    foreach (cell, leaves) {
        Oid leaf = lfirst_oid(cell);
        if (get_rel_relkind(leaf) != RELKIND_RELATION)
            continue;
        AttrNumber a_email = get_attnum(leaf, column);
        if (a_email == InvalidAttrNumber)
            continue;
        Relation rel = table_open(leaf, AccessShareLock);
        TableScanDesc scan = table_beginscan(rel, GetActiveSnapshot(), 0, nullptr);
        TupleTableSlot* slot = table_slot_create(rel, nullptr);
        while (table_scan_getnextslot(scan, ForwardScanDirection, slot)) {
            slot_getsomeattrs(slot, a_email);
            if (slot->tts_isnull[a_email - 1])
                continue;
            auto* value = reinterpret_cast<struct varlena*>(PG_DETOAST_DATUM_PACKED(slot->tts_values[a_email - 1]));
            EmailBytes v = email_bytes(value);
            int line = find_line(probes, probe_line, probe_count, sealed::digest_of(v.data));
            if (line >= 0 && !is_row[line] && !guarded([&] { return keyring().email().is_canary(v.data, v.size); }))
                is_row[line] = true;
        }
        ExecDropSingleTupleTableSlot(slot);
        table_endscan(scan);
        table_close(rel, AccessShareLock);
    }
}

// Reads the rows of the lists of one table (every table under its
// protection root; no row policy: listguard's own code, elevated), in one
// pass: how many each list has, which lines of the file are among them (by
// digest: no address is opened), and a sample of kSampleRows of their stored
// values (reservoir sampling).
void scan_lists(ListInfo* lists, const int* which, int count, const char* account_column, const char* list_column,
                const uint8 (*probes)[kDigest], const int* probe_line, int probe_count, int line_count)
{
    LineTable table = line_table(probes, probe_line, probe_count);
    bool** seen = static_cast<bool**>(palloc(sizeof(bool*) * count));
    for (int k = 0; k < count; k++) {
        ListInfo& L = lists[which[k]];
        L.lines = static_cast<int*>(palloc(sizeof(int) * Max(line_count, 1)));
        L.matched = 0;
        L.rows = 0;
        L.sample_values = static_cast<const uint8**>(palloc(sizeof(uint8*) * kSampleRows));
        L.sample_sizes = static_cast<size_t*>(palloc(sizeof(size_t) * kSampleRows));
        L.sample_count = 0;
        seen[k] = static_cast<bool*>(palloc0(sizeof(bool) * Max(line_count, 1)));
    }
    Oid root = lists[which[0]].relid;
    List* leaves = find_all_inheritors(root, AccessShareLock, nullptr);
    ListCell* cell;
    foreach (cell, leaves) {
        Oid leaf = lfirst_oid(cell);
        if (get_rel_relkind(leaf) != RELKIND_RELATION)
            continue;
        AttrNumber a_account = get_attnum(leaf, account_column);
        AttrNumber a_list = list_column == nullptr ? InvalidAttrNumber : get_attnum(leaf, list_column);
        AttrNumber a_email = get_attnum(leaf, lists[which[0]].column);
        if (a_account == InvalidAttrNumber || a_email == InvalidAttrNumber ||
            (list_column != nullptr && a_list == InvalidAttrNumber))
            continue;
        Relation rel = table_open(leaf, AccessShareLock);
        TableScanDesc scan = table_beginscan(rel, GetActiveSnapshot(), 0, nullptr);
        TupleTableSlot* slot = table_slot_create(rel, nullptr);
        AttrNumber last = Max(a_account, Max(a_list, a_email));
        while (table_scan_getnextslot(scan, ForwardScanDirection, slot)) {
            slot_getsomeattrs(slot, last);
            if (slot->tts_isnull[a_account - 1] || slot->tts_isnull[a_email - 1])
                continue;
            int64 account = DatumGetInt64(slot->tts_values[a_account - 1]);
            int64 list = 0;
            if (a_list != InvalidAttrNumber) {
                if (slot->tts_isnull[a_list - 1])
                    continue;
                list = DatumGetInt64(slot->tts_values[a_list - 1]);
            }
            int k = 0;
            while (k < count && !(lists[which[k]].account == account && lists[which[k]].list == list))
                k++;
            if (k == count)
                continue;
            ListInfo& L = lists[which[k]];
            L.rows++;
            auto* value = reinterpret_cast<struct varlena*>(PG_DETOAST_DATUM_PACKED(slot->tts_values[a_email - 1]));
            EmailBytes v = email_bytes(value);
            const uint8* digest = sealed::digest_of(v.data);
            int line = head_of(digest) == 0 ? find_line(probes, probe_line, probe_count, digest)
                                            : find_in(table, probe_line, digest);
            if (line >= 0 && !seen[k][line]) {
                seen[k][line] = true;
                L.lines[L.matched++] = line;
            }
            int into = -1;
            if (L.sample_count < kSampleRows)
                into = L.sample_count++;
            else if (int64 j = static_cast<int64>(pg_prng_uint64_range(&pg_global_prng_state, 0, L.rows - 1));
                     j < kSampleRows)
                into = static_cast<int>(j);
            if (into >= 0) {
                uint8* copy = static_cast<uint8*>(palloc(v.size));
                memcpy(copy, v.data, v.size);
                L.sample_values[into] = copy;
                L.sample_sizes[into] = v.size;
            }
        }
        ExecDropSingleTupleTableSlot(slot);
        table_endscan(scan);
        table_close(rel, AccessShareLock);
    }
    for (int k = 0; k < count; k++) {
        ListInfo& L = lists[which[k]];
        L.sample = static_cast<uint64*>(palloc(sizeof(uint64) * Max(L.sample_count, 1)));
    }
}

} // namespace

// listguard._domain_digest_of(email) -> bytea: the digest of a stored
// value's domain, as trace_leak() compares the canary domains (kept in
// listguard.canaries so that no domain is opened, or kept, in clear).
extern "C" Datum lg_domain_digest_of(PG_FUNCTION_ARGS)
{
    require_preload();
    EmailBytes v = email_bytes(PG_GETARG_VARLENA_PP(0));
    ensure_keyring();
    uint8 digest[kDigest];
    guarded([&] {
        keyring().email().with_address(v.data, v.size, [&](std::string_view address) {
            std::string canonical(parse_address(address).canonical());
            domain_digest(std::string_view(canonical).substr(canonical.rfind('@') + 1), digest);
            return 0;
        });
    });
    PG_RETURN_DATUM(bytea_datum(digest, sizeof digest));
}

extern "C" Datum lg_trace_leak(PG_FUNCTION_ARGS)
{
    require_preload();
    InitMaterializedSRF(fcinfo, 0);
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    if (PG_ARGISNULL(0))
        return static_cast<Datum>(0);
    ArrayType* input = PG_GETARG_ARRAYTYPE_P(0);
    ArrayElements input_lines = array_elements(PointerGetDatum(input), TEXTOID);
    Datum* texts = input_lines.values;
    bool* text_nulls = input_lines.nulls;
    int line_count = input_lines.count;
    ensure_keyring();
    step_start = 0;
    step("start");

    // 1. The lines. Plain copies first (PostgreSQL calls), then the C++.
    auto* raw = static_cast<std::string_view*>(palloc(sizeof(std::string_view) * Max(line_count, 1)));
    for (int i = 0; i < line_count; i++) {
        if (text_nulls[i]) {
            raw[i] = std::string_view();
            continue;
        }
        text* t = DatumGetTextPP(texts[i]);
        raw[i] = std::string_view(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t));
    }
    auto* lines = static_cast<Line*>(palloc(sizeof(Line) * Max(line_count, 1)));
    int kept = 0;
    int64 unread = 0;
    guarded([&] {
        std::unordered_map<std::string, std::string> domains; // domain -> its digest
        for (int i = 0; i < line_count; i++) {
            std::string_view found = address_in_line(raw[i]);
            if (found.empty())
                continue;
            std::string canonical;
            try {
                canonical = std::string(parse_address(found).canonical());
            } catch (const Error& e) {
                if (e.kind() != ErrorKind::InvalidText)
                    throw;
                unread++;
                continue;
            }
            Line& l = lines[kept++];
            keyring().email().digest(canonical, l.exact);
            std::string loose = loose_form(canonical);
            l.loose_differs = loose != canonical;
            if (l.loose_differs)
                keyring().email().digest(loose, l.loose);
            else
                memcpy(l.loose, l.exact, kDigest);
            std::string domain = canonical.substr(canonical.rfind('@') + 1);
            auto it = domains.find(domain);
            if (it == domains.end()) {
                uint8 d[kDigest];
                domain_digest(domain, d);
                it = domains.emplace(domain, std::string(reinterpret_cast<char*>(d), kDigest)).first;
            }
            memcpy(l.domain, it->second.data(), kDigest);
        }
    });
    for (int i = 0; i < line_count; i++)
        if (!raw[i].empty() && address_in_line(raw[i]).empty() && raw[i].find('@') != std::string_view::npos)
            unread++;
    if (unread > 0)
        ereport(NOTICE, (errmsg("listguard: %lld of the lines hold an @ but no address listguard could read",
                                static_cast<long long>(unread)),
                         errhint("Canaries in them are not found: clean those lines up and trace again.")));
    // Distinct by loose digest.
    qsort(lines, kept, sizeof(Line), [](const void* a, const void* b) {
        return memcmp(static_cast<const Line*>(a)->loose, static_cast<const Line*>(b)->loose, kDigest);
    });
    int distinct = 0;
    for (int i = 0; i < kept; i++)
        if (distinct == 0 || memcmp(lines[distinct - 1].loose, lines[i].loose, kDigest) != 0)
            lines[distinct++] = lines[i];
    // The loose digests, sorted (they are, now), for canary lookups.
    auto* loose_sorted = static_cast<uint8(*)[kDigest]>(palloc(kDigest * Max(distinct, 1)));
    for (int i = 0; i < distinct; i++)
        memcpy(loose_sorted[i], lines[i].loose, kDigest);
    // Exact and loose digests, sorted, to map a stored row's digest to its line.
    int probe_count = 0;
    auto* probes = static_cast<uint8(*)[kDigest]>(palloc(2 * kDigest * Max(distinct, 1)));
    auto* probe_line = static_cast<int*>(palloc(2 * sizeof(int) * Max(distinct, 1)));
    {
        struct P {
            uint8 d[kDigest];
            int line;
        };
        auto* all = static_cast<P*>(palloc(sizeof(P) * 2 * Max(distinct, 1)));
        int n = 0;
        for (int i = 0; i < distinct; i++) {
            memcpy(all[n].d, lines[i].exact, kDigest);
            all[n++].line = i;
            if (lines[i].loose_differs) {
                memcpy(all[n].d, lines[i].loose, kDigest);
                all[n++].line = i;
            }
        }
        qsort(all, n, sizeof(P), compare_digests);
        for (int i = 0; i < n; i++) {
            if (probe_count > 0 && memcmp(probes[probe_count - 1], all[i].d, kDigest) == 0)
                continue;
            memcpy(probes[probe_count], all[i].d, kDigest);
            probe_line[probe_count++] = all[i].line;
        }
    }

    step("reading the lines");
    connect_spi();
    // 2. The canaries.
    run("SELECT c.id, c.role::pg_catalog.oid, c.account, coalesce(c.list, 0), coalesce(c.relid::pg_catalog.oid, 0), "
        "coalesce(c.column_name::pg_catalog.text, ''), c.origin OPERATOR(pg_catalog.=) 'generated', "
        "coalesce(c.loose_digest, listguard._loose_digest_of(c.address)), "
        "coalesce(c.domain_digest, listguard._domain_digest_of(c.address)), c.planted_at "
        "FROM listguard.canaries c WHERE c.role IS NOT NULL",
        0, nullptr, nullptr);
    int canary_count = static_cast<int>(SPI_processed);
    auto* canaries = static_cast<PlantedCanary*>(palloc0(sizeof(PlantedCanary) * Max(canary_count, 1)));
    for (int i = 0; i < canary_count; i++) {
        bool isnull;
        PlantedCanary& c = canaries[i];
        c.id = DatumGetInt64(get_datum(i, 1, &isnull));
        c.role = DatumGetObjectId(get_datum(i, 2, &isnull));
        c.account = DatumGetInt64(get_datum(i, 3, &isnull));
        c.list = DatumGetInt64(get_datum(i, 4, &isnull));
        c.relid = DatumGetObjectId(get_datum(i, 5, &isnull));
        text_to_cstring_buffer(DatumGetTextPP(get_datum(i, 6, &isnull)), c.column, sizeof c.column);
        c.generated = get_bool(i, 7);
        copy_digest(get_datum(i, 8, &isnull), c.loose);
        copy_digest(get_datum(i, 9, &isnull), c.domain);
        c.planted_at = DatumGetTimestampTz(get_datum(i, 10, &isnull));
        c.list_index = -1;
    }
    SPI_freetuptable(SPI_tuptable);

    // Guessed canaries: addresses at the canary domains that are no canary.
    int domain_count = 0;
    auto* canary_domains = static_cast<uint8(*)[kDigest]>(palloc(kDigest * (canary_count + 64)));
    for (int i = 0; i < canary_count; i++)
        if (canaries[i].generated)
            memcpy(canary_domains[domain_count++], canaries[i].domain, kDigest);
    if (canary_domains_setting != nullptr && canary_domains_setting[0] != '\0') {
        char* setting = pstrdup(canary_domains_setting);
        for (char* d = strtok(setting, ", \t"); d != nullptr && domain_count < canary_count + 64;
             d = strtok(nullptr, ", \t")) {
            guarded([&] { domain_digest(d, canary_domains[domain_count]); });
            domain_count++;
        }
    }
    qsort(canary_domains, domain_count, kDigest, compare_digests);
    auto* canary_loose = static_cast<uint8(*)[kDigest]>(palloc(kDigest * Max(canary_count, 1)));
    for (int i = 0; i < canary_count; i++)
        memcpy(canary_loose[i], canaries[i].loose, kDigest);
    qsort(canary_loose, canary_count, kDigest, compare_digests);
    // An address there that is a row of a table holding canaries is no
    // guess: a subscriber at a canary domain (or one a writer added) is in
    // every export of its list, and must not blunt the list's canaries. The
    // same pass finds canaries whose address a row that is no canary has
    // (a writer's guess that hit, added among misses): evidence for nobody.
    int suspect_count = 0, probe_total = 0;
    auto* suspects = static_cast<uint8(*)[kDigest]>(palloc(2 * kDigest * Max(distinct, 1)));
    auto* suspect_line = static_cast<int*>(palloc(2 * sizeof(int) * Max(distinct, 1)));
    bool* canary_line = static_cast<bool*>(palloc0(sizeof(bool) * Max(distinct, 1)));
    bool* suspect = static_cast<bool*>(palloc0(sizeof(bool) * Max(distinct, 1)));
    {
        struct P {
            uint8 d[kDigest];
            int line;
        };
        auto* all = static_cast<P*>(palloc(sizeof(P) * 2 * Max(distinct, 1)));
        for (int i = 0; i < distinct; i++) {
            canary_line[i] = bsearch(lines[i].loose, canary_loose, canary_count, kDigest, compare_digests) != nullptr;
            suspect[i] = !canary_line[i] &&
                         bsearch(lines[i].domain, canary_domains, domain_count, kDigest, compare_digests) != nullptr;
            if (!suspect[i] && !canary_line[i])
                continue;
            suspect_count += suspect[i] ? 1 : 0;
            memcpy(all[probe_total].d, lines[i].exact, kDigest);
            all[probe_total++].line = i;
        }
        qsort(all, probe_total, sizeof(P), compare_digests);
        for (int i = 0; i < probe_total; i++) {
            memcpy(suspects[i], all[i].d, kDigest);
            suspect_line[i] = all[i].line;
        }
    }
    bool guessed = false;
    int collided = 0;
    if (suspect_count > 0) {
        bool* is_row = static_cast<bool*>(palloc0(sizeof(bool) * Max(distinct, 1)));
        // Each table (and email column) that holds a canary, once.
        for (int i = 0; i < canary_count; i++) {
            const PlantedCanary& c = canaries[i];
            bool seen = !OidIsValid(c.relid);
            for (int k = 0; k < i && !seen; k++)
                seen = canaries[k].relid == c.relid && strcmp(canaries[k].column, c.column) == 0;
            if (seen)
                continue;
            Oid relid_type[1] = {OIDOID};
            Datum relid_arg[1] = {ObjectIdGetDatum(c.relid)};
            run("SELECT 1 FROM listguard.protected_tables WHERE relid::pg_catalog.oid OPERATOR(pg_catalog.=) $1", 1,
                relid_type, relid_arg);
            bool is_protected = SPI_processed > 0;
            SPI_freetuptable(SPI_tuptable);
            if (is_protected)
                mark_rows_of_table(c.relid, c.column, suspects, suspect_line, probe_total, is_row);
        }
        for (int i = 0; i < distinct; i++) {
            if (suspect[i] && !is_row[i])
                guessed = true;
            else if (canary_line[i] && is_row[i]) {
                for (int k = 0; k < canary_count; k++) {
                    if (OidIsValid(canaries[k].role) && memcmp(canaries[k].loose, lines[i].loose, kDigest) == 0) {
                        canaries[k].role = InvalidOid; // evidence for nobody
                        collided++;
                    }
                }
            }
        }
    }
    // (With guesses, only mailboxes count anyway: that NOTICE says enough.)
    if (collided > 0 && !guessed)
        ereport(NOTICE,
                (errmsg("listguard: %d canaries of the file have the address of a row that is no canary", collided),
                 errdetail("Someone added them to a list, where every reader sees them: they count for nobody.")));
    if (guessed)
        ereport(NOTICE, (errmsg("listguard: the file holds addresses at the canary domains that are no canaries"),
                         errdetail("Someone may have added guessed canaries to shift the blame: only canaries added "
                                   "with add_canary_addresses() count.")));
    int found_count = 0;
    for (int i = 0; i < canary_count; i++) {
        PlantedCanary& c = canaries[i];
        if (guessed && c.generated)
            c.role = InvalidOid; // evidence for nobody
        if (!OidIsValid(c.role))
            continue;
        c.found = bsearch(c.loose, loose_sorted, distinct, kDigest, compare_digests) != nullptr;
        found_count += c.found ? 1 : 0;
    }
    if (found_count == 0) {
        SPI_finish();
        return static_cast<Datum>(0);
    }

    step("finding the canaries");
    // 3. Candidates: owners of found canaries, and senders.
    int owner_count = 0;
    Oid* owners = static_cast<Oid*>(palloc(sizeof(Oid) * Max(canary_count, 1)));
    for (int i = 0; i < canary_count; i++) {
        if (!OidIsValid(canaries[i].role))
            continue;
        bool seen = false;
        for (int k = 0; k < owner_count && !seen; k++)
            seen = owners[k] == canaries[i].role;
        if (!seen)
            owners[owner_count++] = canaries[i].role;
    }
    run("SELECT DISTINCT g.grantee::pg_catalog.oid FROM listguard.grants g WHERE g.sends", 0, nullptr, nullptr);
    int sender_grantees = static_cast<int>(SPI_processed);
    Oid* candidate_oids = static_cast<Oid*>(palloc(sizeof(Oid) * (owner_count + sender_grantees + 1)));
    int candidate_count = 0;
    for (int i = 0; i < canary_count; i++) {
        if (!canaries[i].found)
            continue;
        bool seen = false;
        for (int k = 0; k < candidate_count && !seen; k++)
            seen = candidate_oids[k] == canaries[i].role;
        if (!seen)
            candidate_oids[candidate_count++] = canaries[i].role;
    }
    for (int i = 0; i < sender_grantees; i++) {
        bool isnull;
        Oid g = DatumGetObjectId(get_datum(i, 1, &isnull));
        bool seen = false;
        for (int k = 0; k < candidate_count && !seen; k++)
            seen = candidate_oids[k] == g;
        if (!seen)
            candidate_oids[candidate_count++] = g;
    }
    SPI_freetuptable(SPI_tuptable);

    // Who could see what: membership in each owner, and sending grants.
    bool* member = static_cast<bool*>(palloc0(sizeof(bool) * candidate_count * Max(owner_count, 1)));
    {
        Oid types[2] = {OIDARRAYOID, OIDARRAYOID};
        Datum args[2] = {oid_array(candidate_oids, candidate_count), oid_array(owners, owner_count)};
        run("SELECT r.i, o.j, listguard._is_member_of(r.oid::pg_catalog.regrole, o.oid::pg_catalog.regrole) "
            "FROM unnest($1) WITH ORDINALITY r(oid, i), unnest($2) WITH ORDINALITY o(oid, j)",
            2, types, args);
        for (uint64 row = 0; row < SPI_processed; row++) {
            bool isnull;
            int64 r = DatumGetInt64(get_datum(row, 1, &isnull)) - 1;
            int64 o = DatumGetInt64(get_datum(row, 2, &isnull)) - 1;
            member[r * owner_count + o] = get_bool(row, 3);
        }
        SPI_freetuptable(SPI_tuptable);
    }
    struct SendScope {
        int candidate;
        bool any_account, any_list;
        int64 account, list;
    };
    int send_count = 0;
    SendScope* sends;
    {
        Oid types[1] = {OIDARRAYOID};
        Datum args[1] = {oid_array(candidate_oids, candidate_count)};
        run("SELECT r.i, g.account, coalesce(g.list, 0), g.list IS NULL FROM unnest($1) WITH ORDINALITY r(oid, i), "
            "listguard.grants g WHERE g.sends AND listguard.role_receives_grants_of(r.oid::pg_catalog.regrole, "
            "g.grantee)",
            1, types, args);
        send_count = static_cast<int>(SPI_processed);
        sends = static_cast<SendScope*>(palloc(sizeof(SendScope) * Max(send_count, 1)));
        for (int row = 0; row < send_count; row++) {
            bool isnull;
            SendScope& s = sends[row];
            s.candidate = static_cast<int>(DatumGetInt64(get_datum(row, 1, &isnull)) - 1);
            Datum a = get_datum(row, 2, &isnull);
            s.any_account = isnull;
            s.account = isnull ? 0 : DatumGetInt64(a);
            s.list = DatumGetInt64(get_datum(row, 3, &isnull));
            s.any_list = get_bool(row, 4);
        }
        SPI_freetuptable(SPI_tuptable);
    }
    auto* candidates = static_cast<Candidate*>(palloc0(sizeof(Candidate) * candidate_count));
    TimestampTz since = DT_NOEND;
    for (int r = 0; r < candidate_count; r++) {
        Candidate& cand = candidates[r];
        cand.role = candidate_oids[r];
        cand.visible = static_cast<int*>(palloc(sizeof(int) * Max(canary_count, 1)));
        for (int i = 0; i < canary_count; i++) {
            const PlantedCanary& c = canaries[i];
            if (!OidIsValid(c.role))
                continue;
            int o = 0;
            while (owners[o] != c.role)
                o++;
            bool sees = member[r * owner_count + o];
            for (int s = 0; s < send_count && !sees; s++)
                sees = sends[s].candidate == r && (sends[s].any_account || sends[s].account == c.account) &&
                       (sends[s].any_list || sends[s].list == c.list);
            if (sees) {
                cand.visible[cand.visible_count++] = i;
                since = Min(since, c.planted_at);
            }
        }
    }

    step("candidates and what they could see");
    // 4. The lists of the canaries candidates could see.
    int list_count = 0;
    auto* lists = static_cast<ListInfo*>(palloc0(sizeof(ListInfo) * Max(canary_count, 1)));
    for (int r = 0; r < candidate_count; r++) {
        for (int k = 0; k < candidates[r].visible_count; k++) {
            PlantedCanary& c = canaries[candidates[r].visible[k]];
            if (c.list_index >= 0 || !OidIsValid(c.relid))
                continue;
            int l = 0;
            while (l < list_count && !(lists[l].relid == c.relid && lists[l].account == c.account &&
                                       lists[l].list == c.list && strcmp(lists[l].column, c.column) == 0))
                l++;
            if (l == list_count) {
                lists[l].relid = c.relid;
                strlcpy(lists[l].column, c.column, sizeof lists[l].column);
                lists[l].account = c.account;
                lists[l].list = c.list;
                list_count++;
            }
            c.list_index = l;
        }
    }
    // The file's known lines, against which what a role read is measured:
    // those of the lists where the file holds a canary (padding from other
    // lists, which the leaker never read, dilutes nothing).
    bool* list_found = static_cast<bool*>(palloc0(sizeof(bool) * Max(list_count, 1)));
    for (int i = 0; i < canary_count; i++)
        if (canaries[i].found && canaries[i].list_index >= 0)
            list_found[canaries[i].list_index] = true;
    bool* line_known = static_cast<bool*>(palloc0(sizeof(bool) * Max(distinct, 1)));
    int known_lines = 0;
    bool* scanned = static_cast<bool*>(palloc0(sizeof(bool) * Max(list_count, 1)));
    int* which = static_cast<int*>(palloc(sizeof(int) * Max(list_count, 1)));
    for (int l = 0; l < list_count; l++) {
        if (scanned[l])
            continue;
        // Every list of this table (and email column), in one pass.
        int count = 0;
        for (int k = l; k < list_count; k++) {
            if (!scanned[k] && lists[k].relid == lists[l].relid && strcmp(lists[k].column, lists[l].column) == 0) {
                which[count++] = k;
                scanned[k] = true;
            }
        }
        Oid relid_type[1] = {OIDOID};
        Datum relid_arg[1] = {ObjectIdGetDatum(lists[l].relid)};
        run("SELECT account_column::pg_catalog.text, list_column::pg_catalog.text FROM listguard.protected_tables "
            "WHERE relid::pg_catalog.oid OPERATOR(pg_catalog.=) $1",
            1, relid_type, relid_arg);
        if (SPI_processed == 0) {
            SPI_freetuptable(SPI_tuptable);
            continue; // no longer protected: its rows are not weighed
        }
        char* account_column = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
        char* list_column = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
        SPI_freetuptable(SPI_tuptable);
        scan_lists(lists, which, count, account_column, list_column, probes, probe_line, probe_count, distinct);
        for (int k = 0; k < count; k++) {
            const ListInfo& L = lists[which[k]];
            if (!list_found[which[k]])
                continue;
            for (int m = 0; m < L.matched; m++) {
                if (!line_known[L.lines[m]]) {
                    line_known[L.lines[m]] = true;
                    known_lines++;
                }
            }
        }
    }
    // The sampled rows' summary keys (their loose digests: the addresses are
    // opened, and wiped, here).
    for (int l = 0; l < list_count; l++) {
        ListInfo& L = lists[l];
        if (L.sample_count == 0 || L.matched == 0)
            continue; // the file holds nothing of it: no share to weigh
        guarded([&] {
            for (int i = 0; i < L.sample_count; i++) {
                const uint8* v = L.sample_values[i];
                size_t size = L.sample_sizes[i];
                uint8 digest[kDigest];
                keyring().email().with_address(v, size, [&](std::string_view address) {
                    keyring().email().digest(loose_form(parse_address(address).canonical()), digest);
                    return 0;
                });
                L.sample[i] = summary_key(digest);
            }
        });
    }
    step("the lists");
    // 5. The summaries, and whether they are complete for each candidate.
    int32 since_day = since == DT_NOEND ? 0 : static_cast<int32>(since / USECS_PER_DAY) - (since < 0 ? 1 : 0);
    bool trail_complete = false;
    Oid* standby_roles = nullptr;
    int standby_count = 0;
    {
        Oid types[1] = {TIMESTAMPTZOID};
        Datum args[1] = {TimestampTzGetDatum(since == DT_NOEND ? 0 : since)};
        run("SELECT coalesce((SELECT min(s.since) FROM listguard.reveal_summaries_since s) OPERATOR(pg_catalog.<=) $1, "
            "false) "
            "AND NOT EXISTS (SELECT 1 FROM listguard.audit_log a WHERE a.kind OPERATOR(pg_catalog.=) 'audit_gap' "
            "AND a.logged_at OPERATOR(pg_catalog.>=) $1), "
            "ARRAY(SELECT DISTINCT r.oid FROM listguard.audit_log a JOIN pg_catalog.pg_roles r "
            "ON r.rolname OPERATOR(pg_catalog.=) a.current_user_name OR r.rolname OPERATOR(pg_catalog.=) "
            "a.session_user_name "
            "WHERE a.origin IS NOT NULL AND a.kind OPERATOR(pg_catalog.=) 'clear_reveal' "
            "AND a.logged_at OPERATOR(pg_catalog.>=) $1)",
            1, types, args);
        trail_complete = get_bool(0, 1);
        bool isnull;
        Datum a = get_datum(0, 2, &isnull);
        if (!isnull) {
            ArrayElements items = array_elements(a, OIDOID);
            standby_count = items.count;
            standby_roles = static_cast<Oid*>(palloc(sizeof(Oid) * Max(standby_count, 1)));
            for (int i = 0; i < standby_count; i++)
                standby_roles[i] = DatumGetObjectId(items.values[i]);
        }
        SPI_freetuptable(SPI_tuptable);
    }
    step("the trail's completeness");
    RoleSummaries* summaries = load_role_summaries(candidate_oids, candidate_count, since_day);
    step("loading the summaries");
    for (int r = 0; r < candidate_count; r++) {
        Candidate& cand = candidates[r];
        cand.summaries = &summaries[r];
        cand.complete = trail_complete;
        for (int i = 0; i < standby_count; i++)
            cand.complete = cand.complete && standby_roles[i] != cand.role;
        // Summaries whose false positives added up past the bound (many
        // days of many reads) cannot tell either.
        cand.complete = cand.complete && cand.summaries->within_bound;
        cand.revealed = static_cast<bool*>(palloc0(sizeof(bool) * Max(cand.visible_count, 1)));
        cand.share = static_cast<double*>(palloc(sizeof(double) * Max(list_count, 1)));
        for (int l = 0; l < list_count; l++)
            cand.share[l] = -1;
        cand.addresses_revealed = -1;
        cand.lines_read = nullptr;
        if (!cand.complete)
            continue;
        for (int k = 0; k < cand.visible_count; k++) {
            const PlantedCanary& c = canaries[cand.visible[k]];
            int32 planted_day = static_cast<int32>(c.planted_at / USECS_PER_DAY);
            cand.revealed[k] = summaries_hold(*cand.summaries, summary_key(c.loose), planted_day);
        }
        for (int l = 0; l < list_count; l++) {
            const ListInfo& L = lists[l];
            if (L.matched == 0 || L.sample_count == 0)
                continue;
            int in_file = 0, in_sample = 0;
            for (int k = 0; k < L.matched; k++)
                in_file += summaries_hold(*cand.summaries, summary_key(lines[L.lines[k]].loose)) ? 1 : 0;
            for (int k = 0; k < L.sample_count; k++)
                in_sample += summaries_hold(*cand.summaries, L.sample[k]) ? 1 : 0;
            double read = static_cast<double>(in_sample) / L.sample_count * L.rows;
            cand.share[l] = in_file == 0 ? 0.0 : in_file / Max(read, static_cast<double>(in_file));
        }
        if (known_lines > 0) {
            int held = 0, k = 0;
            cand.lines_read = static_cast<bool*>(palloc0(sizeof(bool) * known_lines));
            for (int i = 0; i < distinct; i++) {
                if (!line_known[i])
                    continue;
                cand.lines_read[k] = summaries_hold(*cand.summaries, summary_key(lines[i].loose));
                held += cand.lines_read[k++] ? 1 : 0;
            }
            cand.addresses_revealed = static_cast<double>(held) / known_lines;
        }
    }

    step("testing the summaries");
    // 6. The scores.
    auto* verdicts = static_cast<Verdict*>(palloc0(sizeof(Verdict) * candidate_count));
    guarded([&] {
        LeakInput in;
        in.known_lines = known_lines;
        in.list_share.resize(list_count);
        for (int l = 0; l < list_count; l++)
            in.list_share[l] = lists[l].rows > 0 ? static_cast<double>(lists[l].matched) / lists[l].rows : 0.0;
        std::vector<int> index(canary_count, -1);
        for (int i = 0; i < canary_count; i++) {
            if (!OidIsValid(canaries[i].role))
                continue;
            index[i] = static_cast<int>(in.canaries.size());
            in.canaries.push_back(LeakCanary{canaries[i].list_index, canaries[i].found});
        }
        for (int r = 0; r < candidate_count; r++) {
            const Candidate& cand = candidates[r];
            LeakRole role;
            role.reveals_known = cand.complete;
            for (int k = 0; k < cand.visible_count; k++) {
                role.visible.push_back(index[cand.visible[k]]);
                role.revealed.push_back(cand.revealed[k]);
            }
            role.share.assign(cand.share, cand.share + list_count);
            role.addresses_revealed = cand.addresses_revealed;
            if (cand.lines_read != nullptr)
                role.lines_read.assign(cand.lines_read, cand.lines_read + known_lines);
            in.roles.push_back(std::move(role));
        }
        std::vector<LeakVerdict> out = attribute_leak(in);
        for (int r = 0; r < candidate_count; r++)
            verdicts[r] = Verdict{out[r].found, out[r].visible, out[r].revealed, out[r].odds, out[r].likely};
    });

    step("scoring");
    // The rows: roles that could have seen a canary of the file, best first.
    int* order = static_cast<int*>(palloc(sizeof(int) * candidate_count));
    for (int r = 0; r < candidate_count; r++)
        order[r] = r;
    std::sort(order, order + candidate_count, [&](int a, int b) {
        if (verdicts[a].odds != verdicts[b].odds)
            return verdicts[a].odds > verdicts[b].odds;
        return verdicts[a].found > verdicts[b].found;
    });
    for (int k = 0; k < candidate_count; k++) {
        int r = order[k];
        const Verdict& v = verdicts[r];
        if (v.found == 0)
            continue;
        Datum values[7];
        bool nulls[7] = {false, false, false, false, false, false, false};
        values[0] = ObjectIdGetDatum(candidates[r].role);
        values[1] = Int32GetDatum(v.found);
        values[2] = Int32GetDatum(v.visible);
        values[3] = Int32GetDatum(v.revealed);
        nulls[3] = !candidates[r].complete;
        values[4] = Float4GetDatum(static_cast<float4>(candidates[r].addresses_revealed));
        nulls[4] = candidates[r].addresses_revealed < 0;
        values[5] = Float4GetDatum(static_cast<float4>(std::round(v.odds * 10) / 10));
        values[6] = BoolGetDatum(v.likely);
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    SPI_finish();
    return static_cast<Datum>(0);
}
