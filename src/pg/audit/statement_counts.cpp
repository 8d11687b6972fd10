#include "pg/audit/statement_counts.h"

#include "pg/audit/events.h"
#include "pg/audit/reveal_spool.h"
#include "pg/base/guard.h"
#include "pg/base/session_info.h"
#include "pg/base/settings.h"
#include "pg/keys/keyring.h"

#include "core/canary/reveal_record.h"

extern "C" {
#include "access/transam.h"
#include "access/xact.h"
#include "catalog/pg_inherits.h"
#include "commands/trigger.h"
#include "lib/stringinfo.h"
#include "utils/hsearch.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
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

// The transaction's row counts, per table the statements named, operation,
// scope and subtransaction level: what the statements that completed wrote
// (rolled_back: in a subtransaction rolled back since). Recorded once, when
// the transaction ends: one rows_changed event per table (several if it
// touched too many lists for one event's room), whether it commits or
// aborts (its xid tells which).
struct TxKey {
    Oid named;
    char op;
    bool rolled_back;
    int level;
    Stamp scope;
};

struct TxCount {
    TxKey key; // hashed as bytes: always built zeroed
    int64 count;
};

struct TxTable {
    Oid named;
    char name[2 * NAMEDATALEN + 2];
    int64 statements;
    CommandId last_command;
};

HTAB* tx_counts = nullptr;
TxTable* tx_tables = nullptr;
int tx_table_count = 0;
int tx_table_capacity = 0;
uint64 tx_xid = 0;

TxKey tx_key(Oid named, char op, bool rolled_back, int level, Stamp scope)
{
    TxKey key;
    memset(static_cast<void*>(&key), 0, sizeof key);
    key.named = named;
    key.op = op;
    key.rolled_back = rolled_back;
    key.level = level;
    key.scope = scope;
    return key;
}

HTAB* make_tx_counts()
{
    HASHCTL ctl;
    memset(&ctl, 0, sizeof ctl);
    ctl.keysize = sizeof(TxKey);
    ctl.entrysize = sizeof(TxCount);
    ctl.hcxt = TopMemoryContext;
    return hash_create("listguard transaction row counts", 64, &ctl, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
}

void tx_add(const TxKey& key, int64 count)
{
    if (tx_counts == nullptr)
        tx_counts = make_tx_counts();
    bool found;
    auto* e = static_cast<TxCount*>(hash_search(tx_counts, &key, HASH_ENTER, &found));
    e->count = found ? e->count + count : count;
}

// The table a statement named: its name now (the transaction may abort,
// when no catalog can be read), and the statement counted once.
void tx_note_table(Oid named)
{
    CommandId command = GetCurrentCommandId(false);
    for (int i = 0; i < tx_table_count; i++)
        if (tx_tables[i].named == named) {
            if (tx_tables[i].last_command != command)
                tx_tables[i].statements++;
            tx_tables[i].last_command = command;
            return;
        }
    if (tx_table_count == tx_table_capacity) {
        int capacity = tx_table_capacity == 0 ? 8 : 2 * tx_table_capacity;
        auto* grown = static_cast<TxTable*>(MemoryContextAllocZero(TopMemoryContext, sizeof(TxTable) * capacity));
        if (tx_table_count > 0)
            memcpy(grown, tx_tables, sizeof(TxTable) * tx_table_count);
        if (tx_tables != nullptr)
            pfree(tx_tables);
        tx_tables = grown;
        tx_table_capacity = capacity;
    }
    TxTable& t = tx_tables[tx_table_count++];
    t.named = named;
    t.statements = 1;
    t.last_command = command;
    char* name = get_rel_name(named);
    char* nsp = name ? get_namespace_name(get_rel_namespace(named)) : nullptr;
    strlcpy(t.name, name ? quote_qualified_identifier(nsp ? nsp : "", name) : "", sizeof t.name);
    if (tx_xid == 0)
        tx_xid = U64FromFullTransactionId(GetTopFullTransactionIdIfAny());
}

int op_rank(char op)
{
    return op == 'i' ? 0 : op == 'u' ? 1 : 2;
}

int compare_tx(const void* a, const void* b)
{
    const TxKey& x = static_cast<const TxCount*>(a)->key;
    const TxKey& y = static_cast<const TxCount*>(b)->key;
    if (x.rolled_back != y.rolled_back)
        return x.rolled_back ? 1 : -1;
    if (x.op != y.op)
        return op_rank(x.op) - op_rank(y.op);
    if (x.scope.account != y.scope.account)
        return x.scope.account < y.scope.account ? -1 : 1;
    if (x.scope.list != y.scope.list)
        return x.scope.list < y.scope.list ? -1 : 1;
    return 0;
}

// The counts of one table as rows_changed events, each within the room of
// an event's counts: {"insert": {"1/10": 3}, "update": {...},
// "rolled_back": {"insert": {...}}, "rows": N}.
void record_table_counts(const TxTable& table, TxCount* entries, int n, bool aborted)
{
    constexpr int kCountsRoom = 400;
    qsort(entries, n, sizeof(TxCount), compare_tx);
    // Entries that differ only by level were merged when levels ended;
    // merge what is left equal now.
    int m = 0;
    for (int i = 0; i < n; i++) {
        if (m > 0 && compare_tx(&entries[m - 1], &entries[i]) == 0)
            entries[m - 1].count += entries[i].count;
        else
            entries[m++] = entries[i];
    }
    bool has_op[3] = {false, false, false};
    for (int i = 0; i < m; i++)
        has_op[op_rank(entries[i].key.op)] = true;
    // As short as 0.2's per-statement detail for the common case (one
    // statement, one operation): the log's volume is what this is about.
    StringInfoData detail_buf;
    initStringInfo(&detail_buf);
    int ops = has_op[0] + has_op[1] + has_op[2];
    appendStringInfoString(&detail_buf, ops == 1 ? "{\"operation\": " : "{\"operations\": [");
    bool first_op = true;
    for (char op : {'i', 'u', 'd'})
        if (has_op[op_rank(op)]) {
            appendStringInfo(&detail_buf, "%s\"%s\"", first_op ? "" : ", ", row_op_name(op));
            first_op = false;
        }
    if (ops != 1)
        appendStringInfoChar(&detail_buf, ']');
    if (table.statements > 1)
        appendStringInfo(&detail_buf, ", \"statements\": %lld", static_cast<long long>(table.statements));
    if (aborted)
        appendStringInfoString(&detail_buf, ", \"aborted\": true");
    appendStringInfoChar(&detail_buf, '}');
    char* detail = detail_buf.data;

    StringInfoData buf;
    initStringInfo(&buf);
    int64 rows = 0;
    int section = -1; // 0 written, 1 rolled back
    char op = 0;
    auto begin = [&]() {
        resetStringInfo(&buf);
        appendStringInfoChar(&buf, '{');
        rows = 0;
        section = -1;
        op = 0;
    };
    auto finish = [&]() {
        if (op != 0)
            appendStringInfoChar(&buf, '}');
        if (section == 1)
            appendStringInfoChar(&buf, '}');
        appendStringInfo(&buf, "%s\"rows\": %lld}", buf.len > 1 ? ", " : "", static_cast<long long>(rows));
        EventScope scope;
        scope.relation = table.named;
        scope.relation_name = table.name[0] ? table.name : nullptr;
        scope.counts_json = buf.data;
        scope.xid = tx_xid;
        record_event(EventKind::RowsChanged, detail, scope);
    };
    begin();
    for (int i = 0; i < m; i++) {
        const TxKey& k = entries[i].key;
        if (buf.len > kCountsRoom) {
            finish();
            begin();
        }
        int entry_section = k.rolled_back ? 1 : 0;
        bool first_in_op = false;
        if (entry_section != section) {
            if (op != 0)
                appendStringInfoChar(&buf, '}');
            op = 0;
            if (entry_section == 1)
                appendStringInfo(&buf, "%s\"rolled_back\": {", buf.len > 1 ? ", " : "");
            section = entry_section;
        }
        if (k.op != op) {
            bool first_in_section = op == 0 && (section == 0 ? buf.len == 1 : buf.data[buf.len - 1] == '{');
            if (op != 0)
                appendStringInfoChar(&buf, '}');
            appendStringInfo(&buf, "%s\"%s\": {", first_in_section ? "" : ", ", row_op_name(k.op));
            op = k.op;
            first_in_op = true;
        }
        appendStringInfo(&buf, "%s\"%lld/%lld\": %lld", first_in_op ? "" : ", ",
                         static_cast<long long>(k.scope.account), static_cast<long long>(k.scope.list),
                         static_cast<long long>(entries[i].count));
        if (section == 0)
            rows += entries[i].count;
    }
    finish();
}

// Records the transaction's counts and forgets them.
void record_transaction_counts(bool aborted)
{
    if (tx_counts == nullptr || tx_table_count == 0) {
        if (tx_counts != nullptr)
            hash_destroy(tx_counts);
        tx_counts = nullptr;
        tx_table_count = 0;
        tx_xid = 0;
        return;
    }
    // Taken out first: recording may fail, and must not record twice.
    HTAB* counts = tx_counts;
    tx_counts = nullptr;
    int tables = tx_table_count;
    tx_table_count = 0;
    long total = hash_get_num_entries(counts);
    auto* all = static_cast<TxCount*>(palloc(sizeof(TxCount) * Max(total, 1L)));
    int n = 0;
    HASH_SEQ_STATUS status;
    hash_seq_init(&status, counts);
    TxCount* e;
    while ((e = static_cast<TxCount*>(hash_seq_search(&status))) != nullptr)
        all[n++] = *e;
    hash_destroy(counts);
    auto* mine = static_cast<TxCount*>(palloc(sizeof(TxCount) * Max(n, 1)));
    for (int t = 0; t < tables; t++) {
        int k = 0;
        for (int i = 0; i < n; i++)
            if (all[i].key.named == tx_tables[t].named)
                mine[k++] = all[i];
        if (k > 0)
            record_table_counts(tx_tables[t], mine, k, aborted);
    }
    tx_xid = 0;
}

// A (sub)transaction level ended: its counts go to the level above, marked
// rolled back if it was.
void tx_level_ended(int level, bool committed)
{
    if (tx_counts == nullptr)
        return;
    long total = hash_get_num_entries(tx_counts);
    auto* all = static_cast<TxCount*>(palloc(sizeof(TxCount) * Max(total, 1L)));
    int n = 0;
    bool changed = false;
    HASH_SEQ_STATUS status;
    hash_seq_init(&status, tx_counts);
    TxCount* e;
    while ((e = static_cast<TxCount*>(hash_seq_search(&status))) != nullptr) {
        all[n] = *e;
        if (all[n].key.level >= level) {
            all[n].key.level = level - 1;
            all[n].key.rolled_back = all[n].key.rolled_back || !committed;
            changed = true;
        }
        n++;
    }
    if (changed) {
        hash_destroy(tx_counts);
        tx_counts = make_tx_counts();
        for (int i = 0; i < n; i++)
            tx_add(all[i].key, all[i].count);
    }
    pfree(all);
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
    if (n == 0)
        return;
    tx_note_table(relid);
    int level = GetCurrentTransactionNestLevel();
    for (int i = 0; i < n; i++)
        tx_add(tx_key(relid, op, false, level, taken[i].key.scope), taken[i].count);
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
        // Rows of statements that did not complete went with them.
        row_count = 0;
        reindex_rows();
        record_transaction_counts(true);
        return;
    }
    // Counts no statement trigger took (a safety net): under the table the
    // row is in.
    while (row_count > 0) {
        Oid relid = rows[0].key.relid;
        char op = rows[0].key.op;
        int n = 0;
        RowCount* taken = take_rows([&](const RowCount& r) { return r.key.relid == relid && r.key.op == op; }, &n);
        tx_note_table(relid);
        for (int i = 0; i < n; i++)
            tx_add(tx_key(relid, op, false, 1, taken[i].key.scope), taken[i].count);
    }
    record_transaction_counts(false);
}

void audit_counts_at_subtransaction_end(bool committed)
{
    int level = GetCurrentTransactionNestLevel();
    tx_level_ended(level, committed);
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
