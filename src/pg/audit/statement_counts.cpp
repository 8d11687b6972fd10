#include "pg/audit/statement_counts.h"

#include "pg/audit/events.h"
#include "pg/audit/reveal_spool.h"
#include "pg/base/guard.h"
#include "pg/base/session_info.h"
#include "pg/base/settings.h"
#include "pg/keys/keyring.h"

#include "core/canary/reveal_record.h"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_inherits.h"
#include "commands/trigger.h"
#include "lib/stringinfo.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
}

namespace listguard::pg {

namespace {

struct RevealCount {
    Oid role;
    int64 grant_id;
    int64 principal_grant_id; // 0: no principal's grant
    Stamp scope;
    int64 count;
    RevealRecord canaries; // the role's own canaries among the values
};

constexpr int kReveals = 32;
RevealCount reveals[kReveals];
int reveal_count = 0;
size_t record_slots = RevealRecord::kSlotStep;

// Where a (role, grant, scope) was last counted, as index + 1 (0: nowhere),
// by a hash of the three: rows cycling through a few lists find their
// count with one probe instead of a scan of every count. A slot is only a
// hint: what it points to is compared with the key before it is used.
constexpr int kRevealMemo = 64;
int reveal_memo[kRevealMemo];

inline int reveal_slot(Oid role, int64 grant_id, Stamp scope)
{
    uint64 h = static_cast<uint64>(scope.account) * UINT64CONST(0x9E3779B97F4A7C15) ^
               static_cast<uint64>(scope.list) * UINT64CONST(0xC2B2AE3D27D4EB4F) ^
               static_cast<uint64>(grant_id) * UINT64CONST(0x165667B19E3779F9) ^ role;
    return static_cast<int>((h >> 32) & (kRevealMemo - 1));
}

void report_clear_reveals()
{
    // Taken out first: recording may fail, and must not record twice.
    int n = reveal_count;
    reveal_count = 0;
    for (int i = 0; i < n; i++) {
        const RevealCount& r = reveals[i];
        SessionInfo info = session_info();
        // Every event carries the sealed record, canaries or not: nothing
        // another role can measure (its size, the WAL it writes) says
        // whether a canary was read. This also runs while a transaction
        // aborts, perhaps because the keyring could not be read: the sealer
        // does not need it.
        char sealed[RevealRecordSealer::kMaxTextSize + 1] = "";
        const RevealRecordSealer* sealer = canary_reveal_sealer();
        uint8 iv[16];
        PendingError error;
        if (sealer != nullptr && pg_strong_random(iv, sizeof iv))
            (void)try_guarded(
                [&] { strlcpy(sealed, sealer->seal(r.canaries, record_slots, iv).c_str(), sizeof sealed); }, error);
        char* detail = psprintf("{\"role\": %s, \"grant\": %lld, \"canaries\": %s%s}", json_string(info.current_user),
                                static_cast<long long>(r.grant_id), json_string(sealed),
                                r.principal_grant_id == 0
                                    ? ""
                                    : psprintf(", \"principal_grant\": %lld",
                                               static_cast<long long>(r.principal_grant_id)));
        char* counts = psprintf("{\"clear\": %lld}", static_cast<long long>(r.count));
        EventScope scope = scope_of(r.scope);
        scope.counts_json = counts;
        record_event(EventKind::ClearReveal, detail, scope);
    }
}

// Row counts, per table (the leaf the row is in), operation, scope and
// subtransaction level: kept in order of first change in `rows`, and found
// by key through `row_index`, so that a statement touching many lists costs
// the same per row as one touching a single list.
struct RowKey {
    Oid relid;
    char op;
    int nest_level;
    Stamp scope;
};

struct RowCount {
    RowKey key;
    int64 count;
};

struct RowSlot {
    RowKey key; // hashed as bytes: always built zeroed, padding included
    int index;  // into rows
};

RowCount* rows = nullptr;
int row_count = 0;
int row_capacity = 0;
HTAB* row_index = nullptr;
int last_row = -1; // the count the previous row went to: consecutive rows mostly share it

RowKey row_key(Oid relid, char op, int nest_level, Stamp scope)
{
    RowKey key;
    memset(static_cast<void*>(&key), 0, sizeof key); // padding too: the key is hashed as bytes
    key.relid = relid;
    key.op = op;
    key.nest_level = nest_level;
    key.scope = scope;
    return key;
}

RowSlot* find_row(const RowKey& key, bool* found)
{
    if (row_index == nullptr) {
        HASHCTL ctl;
        memset(&ctl, 0, sizeof ctl);
        ctl.keysize = sizeof(RowKey);
        ctl.entrysize = sizeof(RowSlot);
        ctl.hcxt = TopMemoryContext;
        row_index = hash_create("listguard row counts", 256, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    }
    return static_cast<RowSlot*>(hash_search(row_index, &key, HASH_ENTER, found));
}

void add_row_count(const RowCount& r)
{
    if (row_count == row_capacity) {
        int capacity = row_capacity == 0 ? 64 : row_capacity * 2;
        auto* grown = static_cast<RowCount*>(MemoryContextAlloc(TopMemoryContext, sizeof(RowCount) * capacity));
        if (row_count > 0)
            memcpy(grown, rows, sizeof(RowCount) * row_count);
        if (rows != nullptr)
            pfree(rows);
        rows = grown;
        row_capacity = capacity;
    }
    rows[row_count++] = r;
}

// After rows changed in place: indexes them again, merging counts whose
// keys became equal (a committed subtransaction's into its parent's).
void reindex_rows()
{
    last_row = -1;
    if (row_index != nullptr) {
        hash_destroy(row_index);
        row_index = nullptr;
    }
    int kept = 0;
    for (int i = 0; i < row_count; i++) {
        const RowKey& k = rows[i].key;
        bool found;
        RowSlot* slot = find_row(row_key(k.relid, k.op, k.nest_level, k.scope), &found);
        if (found) {
            rows[slot->index].count += rows[i].count;
            continue;
        }
        slot->index = kept;
        rows[kept++] = rows[i];
    }
    row_count = kept;
}

// Records taken counts as events: one per table and operation, several if
// the statement touched very many lists (a detail has limited room).
void record_row_counts(Oid relid, char op, const RowCount* taken, int n)
{
    constexpr int kCountsRoom = 400;
    StringInfoData counts;
    initStringInfo(&counts);
    int64 total = 0;
    auto emit = [&]() {
        if (total == 0)
            return;
        char* counts_json =
            psprintf("{\"%s\": {%s}, \"rows\": %lld}", row_op_name(op), counts.data, static_cast<long long>(total));
        EventScope scope = table_scope(relid);
        scope.counts_json = counts_json;
        record_event(EventKind::RowsChanged, psprintf("{\"operation\": \"%s\"}", row_op_name(op)), scope);
        resetStringInfo(&counts);
        total = 0;
    };
    for (int i = 0; i < n; i++) {
        if (counts.len > kCountsRoom)
            emit();
        appendStringInfo(&counts, "%s\"%lld/%lld\": %lld", total == 0 ? "" : ", ",
                         static_cast<long long>(taken[i].key.scope.account),
                         static_cast<long long>(taken[i].key.scope.list), static_cast<long long>(taken[i].count));
        total += taken[i].count;
    }
    emit();
}

int compare_scopes(const void* a, const void* b)
{
    const Stamp& x = static_cast<const RowCount*>(a)->key.scope;
    const Stamp& y = static_cast<const RowCount*>(b)->key.scope;
    if (x.account != y.account)
        return x.account < y.account ? -1 : 1;
    if (x.list != y.list)
        return x.list < y.list ? -1 : 1;
    return 0;
}

// Takes out the counts that match, merging those of several tables or
// subtransaction levels that share an operation and scope; in order of
// account and list.
template <typename Match>
RowCount* take_rows(Match&& match, int* n)
{
    auto* taken = static_cast<RowCount*>(palloc(sizeof(RowCount) * Max(row_count, 1)));
    int matched = 0;
    int kept = 0;
    for (int i = 0; i < row_count; i++) {
        if (match(rows[i]))
            taken[matched++] = rows[i];
        else
            rows[kept++] = rows[i];
    }
    row_count = kept;
    reindex_rows();
    qsort(taken, matched, sizeof(RowCount), compare_scopes);
    *n = 0;
    for (int i = 0; i < matched; i++) {
        if (*n > 0 && compare_scopes(&taken[*n - 1], &taken[i]) == 0)
            taken[*n - 1].count += taken[i].count;
        else
            taken[(*n)++] = taken[i];
    }
    return taken;
}

} // namespace

char row_op(uint32 trigger_event)
{
    return TRIGGER_FIRED_BY_INSERT(trigger_event) ? 'i' : TRIGGER_FIRED_BY_UPDATE(trigger_event) ? 'u' : 'd';
}

const char* row_op_name(char op)
{
    return op == 'i' ? "insert" : op == 'u' ? "update" : "delete";
}

namespace {

void note_canary(RevealRecord& record, Stamp scope, const RevealedCanary* canary)
{
    if (canary == nullptr)
        return;
    if (canary->account == scope.account && canary->slot >= 0)
        record.add_slot(static_cast<uint32>(canary->slot));
    else
        record.add_outside(canary->id);
}

} // namespace

void note_canary_record_slots(size_t slots) noexcept
{
    record_slots = Max(record_slots, Min(slots, RevealRecord::kMaxSlots));
}

void count_clear_reveal(const Grant& grant, Stamp scope, const RevealedCanary* canary, uint64 summary_key,
                        int64 principal_grant_id)
{
    spool_reveal(summary_key);
    if (!audit_reveals_setting)
        return;
    Oid role = GetUserId();
    int slot = reveal_slot(role, grant.id, scope);
    int hint = reveal_memo[slot] - 1;
    if (hint >= 0 && hint < reveal_count) {
        RevealCount& r = reveals[hint];
        if (r.role == role && r.grant_id == grant.id && r.principal_grant_id == principal_grant_id &&
            r.scope == scope) {
            r.count++;
            note_canary(r.canaries, scope, canary);
            return;
        }
    }
    // Newest first: consecutive values mostly share their scope.
    for (int i = reveal_count - 1; i >= 0; i--) {
        RevealCount& r = reveals[i];
        if (r.role == role && r.grant_id == grant.id && r.principal_grant_id == principal_grant_id && r.scope == scope) {
            r.count++;
            note_canary(r.canaries, scope, canary);
            reveal_memo[slot] = i + 1;
            return;
        }
    }
    if (reveal_count == kReveals)
        report_clear_reveals();
    (void)session_info(); // remember the names while the catalogs can be read
    RevealCount& r = reveals[reveal_count++];
    r.role = role;
    r.grant_id = grant.id;
    r.principal_grant_id = principal_grant_id;
    r.scope = scope;
    r.count = 1;
    r.canaries.clear();
    note_canary(r.canaries, scope, canary);
    reveal_memo[slot] = reveal_count;
}

void count_row_change(Oid relid, char op, Stamp scope)
{
    int level = GetCurrentTransactionNestLevel();
    if (last_row >= 0 && last_row < row_count) {
        RowKey& last = rows[last_row].key;
        if (last.relid == relid && last.op == op && last.nest_level == level && last.scope == scope) {
            rows[last_row].count++;
            return;
        }
    }
    RowKey key = row_key(relid, op, level, scope);
    bool found;
    RowSlot* slot = find_row(key, &found);
    if (found) {
        rows[slot->index].count++;
        last_row = slot->index;
        return;
    }
    // The slot is new: it is filled before anything can fail, or removed.
    PG_TRY();
    {
        add_row_count(RowCount{key, 1});
    }
    PG_CATCH();
    {
        hash_search(row_index, &key, HASH_REMOVE, nullptr);
        PG_RE_THROW();
    }
    PG_END_TRY();
    slot->index = row_count - 1;
    last_row = slot->index;
}

void report_row_changes(Oid relid, char op)
{
    if (row_count == 0)
        return;
    List* family = find_all_inheritors(relid, NoLock, nullptr); // relid and every table below it
    int n = 0;
    RowCount* taken =
        take_rows([&](const RowCount& r) { return r.key.op == op && list_member_oid(family, r.key.relid); }, &n);
    record_row_counts(relid, op, taken, n);
}

void audit_counts_at_statement_end()
{
    report_clear_reveals();
    spool_flush();
}

void audit_counts_at_transaction_end(bool committing)
{
    report_clear_reveals();
    spool_flush();
    if (!committing) {
        row_count = 0;
        reindex_rows();
        return;
    }
    while (row_count > 0) {
        Oid relid = rows[0].key.relid;
        char op = rows[0].key.op;
        int n = 0;
        RowCount* taken = take_rows([&](const RowCount& r) { return r.key.relid == relid && r.key.op == op; }, &n);
        record_row_counts(relid, op, taken, n);
    }
}

void audit_counts_at_subtransaction_end(bool committed)
{
    int level = GetCurrentTransactionNestLevel();
    int kept = 0;
    for (int i = 0; i < row_count; i++) {
        if (rows[i].key.nest_level < level) {
            rows[kept++] = rows[i];
        } else if (committed) {
            rows[kept] = rows[i];
            rows[kept++].key.nest_level = level - 1;
        }
    }
    if (kept == row_count && !committed)
        return;
    row_count = kept;
    reindex_rows();
}

} // namespace listguard::pg
