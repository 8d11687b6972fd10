#include "pg/audit/counts.h"

#include "pg/audit/events.h"
#include "pg/base/session_info.h"
#include "pg/base/settings.h"

extern "C" {
#include "access/xact.h"
#include "catalog/pg_inherits.h"
#include "commands/trigger.h"
#include "lib/stringinfo.h"
#include "utils/memutils.h"
}

namespace listguard::pg {

namespace {

struct RevealCount {
    Oid role;
    int64 grant_id;
    Stamp scope;
    int64 count;
};

constexpr int kReveals = 32;
RevealCount reveals[kReveals];
int reveal_count = 0;

void report_clear_reveals()
{
    // Taken out first: recording may fail, and must not record twice.
    int n = reveal_count;
    reveal_count = 0;
    for (int i = 0; i < n; i++) {
        const RevealCount& r = reveals[i];
        SessionInfo info = session_info();
        char* detail = psprintf("{\"role\": %s, \"grant\": %lld}", json_string(info.current_user),
                                static_cast<long long>(r.grant_id));
        char* counts = psprintf("{\"clear\": %lld}", static_cast<long long>(r.count));
        EventScope scope = scope_of(r.scope);
        scope.counts_json = counts;
        record_event(EventKind::ClearReveal, detail, scope);
    }
}

// Row counts, per table (the leaf the row is in), operation, scope and
// subtransaction level, in memory that grows with the number of distinct
// scopes a statement touches.
struct RowCount {
    Oid relid;
    char op;
    int nest_level;
    Stamp scope;
    int64 count;
};

RowCount* rows = nullptr;
int row_count = 0;
int row_capacity = 0;

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
                         static_cast<long long>(taken[i].scope.account), static_cast<long long>(taken[i].scope.list),
                         static_cast<long long>(taken[i].count));
        total += taken[i].count;
    }
    emit();
}

// Takes out the counts that match, merging those of several tables or
// subtransaction levels that share an operation and scope.
template <typename Match>
RowCount* take_rows(Match&& match, int* n)
{
    auto* taken = static_cast<RowCount*>(palloc(sizeof(RowCount) * Max(row_count, 1)));
    *n = 0;
    int kept = 0;
    for (int i = 0; i < row_count; i++) {
        if (!match(rows[i])) {
            rows[kept++] = rows[i];
            continue;
        }
        int j = 0;
        while (j < *n && !(taken[j].scope == rows[i].scope))
            j++;
        if (j == *n)
            taken[(*n)++] = rows[i];
        else
            taken[j].count += rows[i].count;
    }
    row_count = kept;
    return taken;
}

} // namespace

char row_op(uint32 trigger_event)
{
    return TRIGGER_FIRED_BY_INSERT(trigger_event) ? 'i' : TRIGGER_FIRED_BY_UPDATE(trigger_event) ? 'u' : 'd';
}

const char* row_op_name(char op) { return op == 'i' ? "insert" : op == 'u' ? "update" : "delete"; }

void count_clear_reveal(const Grant& grant, Stamp scope)
{
    if (!audit_reveals_setting)
        return;
    Oid role = GetUserId();
    // Newest first: consecutive values mostly share their scope.
    for (int i = reveal_count - 1; i >= 0; i--) {
        RevealCount& r = reveals[i];
        if (r.role == role && r.grant_id == grant.id && r.scope == scope) {
            r.count++;
            return;
        }
    }
    if (reveal_count == kReveals)
        report_clear_reveals();
    (void) session_info(); // remember the names while the catalogs can be read
    reveals[reveal_count++] = RevealCount{role, grant.id, scope, 1};
}

void count_row_change(Oid relid, char op, Stamp scope)
{
    int level = GetCurrentTransactionNestLevel();
    // Newest first: consecutive rows mostly share their table and scope.
    for (int i = row_count - 1; i >= 0; i--) {
        RowCount& r = rows[i];
        if (r.relid == relid && r.op == op && r.scope == scope && r.nest_level == level) {
            r.count++;
            return;
        }
    }
    add_row_count(RowCount{relid, op, level, scope, 1});
}

void report_row_changes(Oid relid, char op)
{
    if (row_count == 0)
        return;
    List* family = find_all_inheritors(relid, NoLock, nullptr); // relid and every table below it
    int n = 0;
    RowCount* taken = take_rows([&](const RowCount& r) { return r.op == op && list_member_oid(family, r.relid); }, &n);
    record_row_counts(relid, op, taken, n);
}

void audit_counts_at_statement_end() { report_clear_reveals(); }

void audit_counts_at_transaction_end(bool committing)
{
    report_clear_reveals();
    if (!committing) {
        row_count = 0;
        return;
    }
    while (row_count > 0) {
        Oid relid = rows[0].relid;
        char op = rows[0].op;
        int n = 0;
        RowCount* taken = take_rows([&](const RowCount& r) { return r.relid == relid && r.op == op; }, &n);
        record_row_counts(relid, op, taken, n);
    }
}

void audit_counts_at_subtransaction_end(bool committed)
{
    int level = GetCurrentTransactionNestLevel();
    int kept = 0;
    for (int i = 0; i < row_count; i++) {
        if (rows[i].nest_level < level)
            rows[kept++] = rows[i];
        else if (committed)
            rows[kept++] = RowCount{rows[i].relid, rows[i].op, level - 1, rows[i].scope, rows[i].count};
    }
    row_count = kept;
}

} // namespace listguard::pg
