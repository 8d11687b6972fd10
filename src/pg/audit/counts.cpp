#include "pg/audit/counts.h"

#include "pg/audit/events.h"
#include "pg/base/session_info.h"
#include "pg/base/settings.h"

extern "C" {
#include "access/xact.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "lib/stringinfo.h"
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

struct RowCount {
    Oid relid;
    char op;
    Stamp scope;
    int64 count;
};

constexpr int kRows = 256;
RowCount rows[kRows];
int row_count = 0;

void report_clear_reveals();

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

void audit_counts_at_statement_end() { report_clear_reveals(); }

void audit_counts_at_transaction_end()
{
    report_clear_reveals();
    for (int i = 0; i < row_count; i++)
        report_row_changes(rows[i].relid, rows[i].op);
    row_count = 0;
}

namespace {

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

} // namespace

void count_row_change(Oid relid, char op, Stamp scope)
{
    for (int i = row_count - 1; i >= 0; i--) {
        RowCount& r = rows[i];
        if (r.relid == relid && r.op == op && r.scope == scope) {
            r.count++;
            return;
        }
    }
    if (row_count == kRows) // very many lists in one statement: report what is counted so far
        report_row_changes(relid, op);
    if (row_count == kRows)
        report_row_changes(rows[0].relid, rows[0].op);
    rows[row_count++] = RowCount{relid, op, scope, 1};
}

// One event per statement and table operation, with counts per account and
// list (several events if the statement touched very many lists).
void report_row_changes(Oid relid, char op)
{
    constexpr int kCountsRoom = 400;
    StringInfoData counts;
    initStringInfo(&counts);
    int64 total = 0;
    int kept = 0;
    int taken = 0;
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
    RowCount* mine = static_cast<RowCount*>(palloc(sizeof(RowCount) * Max(row_count, 1)));
    for (int i = 0; i < row_count; i++) {
        if (rows[i].relid == relid && rows[i].op == op)
            mine[taken++] = rows[i];
        else
            rows[kept++] = rows[i];
    }
    row_count = kept; // taken out before recording, so nothing is recorded twice
    for (int i = 0; i < taken; i++) {
        if (counts.len > kCountsRoom)
            emit();
        appendStringInfo(&counts, "%s\"%lld/%lld\": %lld", total == 0 ? "" : ", ",
                         static_cast<long long>(mine[i].scope.account), static_cast<long long>(mine[i].scope.list),
                         static_cast<long long>(mine[i].count));
        total += mine[i].count;
    }
    emit();
}

} // namespace listguard::pg
