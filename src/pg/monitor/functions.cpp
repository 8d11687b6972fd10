// What monitoring may read without ever reaching an address: the rows of
// listguard.metrics (metric, labels, value), listguard.progress, and the
// redaction that the address-free view of the audit log applies to the
// text a role chose (role, table and application names).
//
// Monitors (superusers, admins, members of listguard_monitor or pg_monitor)
// learn counts and states, and the names they are counted under: listguard's
// own words (event kinds, refusal reasons, reveal levels, verdicts,
// commands), ids (grants, accounts, lists, key ids, pids), and role and table
// names with every address-like token masked. Never a digest, a detail or
// anything a role typed into a value.
#include <string_view>

#include "pg/access/roles.h"
#include "pg/activity/counters.h"
#include "pg/activity/progress.h"
#include "pg/audit/queue.h"
#include "pg/base/catalog.h"
#include "pg/base/elevated_call.h"
#include "pg/base/guard.h"
#include "pg/base/preload.h"
#include "pg/keys/keyring.h"
#include "pg/quota/store.h"

#include "core/email/redact.h"

extern "C" {
#include "access/htup_details.h"
#include "access/xact.h"
#include "access/xlog.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "pgstat.h"
#include "utils/backend_status.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

PG_FUNCTION_INFO_V1(lg_metrics);
PG_FUNCTION_INFO_V1(lg_progress);
PG_FUNCTION_INFO_V1(lg_redact);
PG_FUNCTION_INFO_V1(lg_has_address);
}

namespace listguard::pg {

namespace {

// Text a role chose (a role or table name, an application name), with
// every address-like token masked.
char* redacted(const char* text)
{
    if (text == nullptr)
        return nullptr;
    size_t length = strlen(text);
    if (!has_address(std::string_view(text, length)))
        return pstrdup(text);
    size_t capacity = redacted_capacity(length);
    char* out = static_cast<char*>(palloc(capacity + 1));
    size_t n = redact_addresses(std::string_view(text, length), out, capacity);
    out[n] = '\0';
    return out;
}

char* role_label(Oid role)
{
    const char* name = GetUserNameFromId(role, true);
    return name != nullptr ? redacted(name) : psprintf("(dropped role %u)", role);
}

// One row of listguard.metrics: labels are built key by key, values made
// JSON strings (escaped), then the row is put.
struct Rows {
    ReturnSetInfo* rsinfo;
    StringInfoData labels;
    int label_count = 0;

    void label(const char* key, const char* value)
    {
        if (label_count++ == 0)
            appendStringInfoChar(&labels, '{');
        else
            appendStringInfoString(&labels, ", ");
        escape_json(&labels, key);
        appendStringInfoString(&labels, ": ");
        escape_json(&labels, value ? value : "");
    }
    void label(const char* key, int64 value) { label(key, psprintf("%lld", static_cast<long long>(value))); }
    void put(const char* metric, double value)
    {
        if (label_count == 0)
            appendStringInfoChar(&labels, '{');
        appendStringInfoChar(&labels, '}');
        Datum values[3] = {CStringGetTextDatum(metric), DirectFunctionCall1(jsonb_in, CStringGetDatum(labels.data)),
                           Float8GetDatum(value)};
        bool nulls[3] = {false, false, false};
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
        resetStringInfo(&labels);
        label_count = 0;
    }
};

const char* counter_metric(Counter c)
{
    switch (c) {
    case Counter::Reveals:
        return "reveals_total";
    case Counter::Events:
        return "audit_events_total";
    case Counter::Denials:
        return "denials_total";
    case Counter::CanaryHits:
        return "canary_hits_total";
    case Counter::AuditOverflow:
        return "audit_overflow_total";
    case Counter::AuditGaps:
        return "audit_gaps_total";
    case Counter::EventsArchived:
        return "audit_archived_total";
    case Counter::EventsAppended:
        return "audit_appended_total";
    case Counter::RowsStamped:
        return "rows_stamped_total";
    case Counter::StandbyLinkUp:
        return "standby_link_up";
    case Counter::StandbyLinkFailures:
        return "standby_link_failures_total";
    case Counter::KeyValues:
        return "key_values";
    case Counter::KeyUsageAt:
        return "key_usage_time_seconds";
    }
    return nullptr;
}

// The label a counter's name goes under.
const char* counter_label(Counter c)
{
    switch (c) {
    case Counter::Reveals:
        return "level";
    case Counter::Events:
        return "kind";
    case Counter::Denials:
        return "reason";
    case Counter::CanaryHits:
        return "verdict";
    case Counter::KeyValues:
        return "key";
    default:
        return nullptr;
    }
}

void counters(Rows& rows)
{
    int n = 0;
    CounterValue* values = counter_snapshot(MyDatabaseId, &n);
    // Always present, so that a series exists from the start (a rate over
    // a series that appears late loses its first increase).
    bool seen[static_cast<int>(Counter::KeyUsageAt) + 1] = {};
    for (int i = 0; i < n; i++) {
        const CounterValue& v = values[i];
        const char* metric = counter_metric(v.counter);
        if (metric == nullptr)
            continue;
        seen[static_cast<int>(v.counter)] = true;
        if (OidIsValid(v.role))
            rows.label("role", role_label(v.role));
        if (const char* label = counter_label(v.counter))
            rows.label(label, v.name);
        rows.put(metric, static_cast<double>(v.value));
    }
    for (Counter c : {Counter::AuditOverflow, Counter::AuditGaps, Counter::EventsArchived, Counter::EventsAppended,
                      Counter::RowsStamped})
        if (!seen[static_cast<int>(c)])
            rows.put(counter_metric(c), 0);
}

// Export quotas: each grant with a quota, its limit and what its open
// window has used. Read from listguard.grants directly (monitors may not
// select from it) and the shared counters.
void quotas(Rows& rows)
{
    Oid grants = listguard_objects().grants;
    if (!OidIsValid(grants))
        return;
    AttrNumber a_id = listguard_column(grants, "id");
    AttrNumber a_grantee = listguard_column(grants, "grantee");
    AttrNumber a_account = listguard_column(grants, "account");
    AttrNumber a_list = listguard_column(grants, "list");
    AttrNumber a_limit = listguard_column(grants, "quota_limit");
    AttrNumber a_window = listguard_column(grants, "quota_window");
    struct QuotaGrant {
        int64 id;
        Oid grantee;
        bool has_account, has_list;
        int64 account, list, limit, window;
    };
    List* found = nullptr;
    scan_listguard_table(grants, [&](HeapTuple tuple, TupleDesc desc) {
        bool isnull;
        Datum limit = heap_getattr(tuple, a_limit, desc, &isnull);
        if (isnull)
            return true;
        auto* q = static_cast<QuotaGrant*>(palloc0(sizeof(QuotaGrant)));
        q->limit = DatumGetInt64(limit);
        q->id = DatumGetInt64(heap_getattr(tuple, a_id, desc, &isnull));
        q->grantee = DatumGetObjectId(heap_getattr(tuple, a_grantee, desc, &isnull));
        Datum account = heap_getattr(tuple, a_account, desc, &isnull);
        q->has_account = !isnull;
        q->account = isnull ? 0 : DatumGetInt64(account);
        Datum list = heap_getattr(tuple, a_list, desc, &isnull);
        q->has_list = !isnull;
        q->list = isnull ? 0 : DatumGetInt64(list);
        Datum window = heap_getattr(tuple, a_window, desc, &isnull);
        q->window = isnull ? 0 : DatumGetInt64(window);
        found = lappend(found, q);
        return true;
    });
    int count = 0;
    QuotaSnapshot* windows = quota_snapshot(MyDatabaseId, &count);
    int64 now = static_cast<int64>(timestamptz_to_time_t(GetCurrentTimestamp()));
    ListCell* lc;
    foreach (lc, found) {
        auto* q = static_cast<QuotaGrant*>(lfirst(lc));
        int64 used = 0, leased = 0;
        for (int i = 0; i < count; i++)
            if (windows[i].grant_id == q->id) {
                leased = windows[i].leased;
                if (windows[i].window.start != 0 && windows[i].window.start + q->window > now)
                    used = windows[i].window.used;
            }
        for (const char* metric : {"quota_used", "quota_limit", "quota_window_seconds", "standby_leased_units"}) {
            if (strcmp(metric, "standby_leased_units") == 0 && !RecoveryInProgress())
                continue;
            rows.label("grant", q->id);
            rows.label("role", role_label(q->grantee));
            rows.label("account", q->has_account ? psprintf("%lld", static_cast<long long>(q->account)) : "all");
            rows.label("list", q->has_list ? psprintf("%lld", static_cast<long long>(q->list)) : "all");
            double value = strcmp(metric, "quota_used") == 0             ? used
                           : strcmp(metric, "quota_limit") == 0          ? q->limit
                           : strcmp(metric, "quota_window_seconds") == 0 ? q->window
                                                                         : leased;
            rows.put(metric, value);
        }
    }
}

void audit_queue(Rows& rows)
{
    QueueState q = audit_queue_state(MyDatabaseId);
    rows.put("audit_queue_pending", static_cast<double>(audit_pending(MyDatabaseId)));
    rows.put("audit_queue_used", q.used);
    rows.put("audit_queue_size", q.size);
    rows.put("audit_writer_running", q.writer_running ? 1 : 0);
    double lag = q.oldest == 0 ? 0 : (GetCurrentTimestamp() - q.oldest) / 1e6;
    rows.put("audit_writer_lag_seconds", lag > 0 ? lag : 0);
}

// Links of standbys connected to this server, and whether this server is
// one; a standby's own link state is a counter (StandbyLinkUp).
void standby(Rows& rows)
{
    bool standby = RecoveryInProgress();
    rows.put("standby", standby ? 1 : 0);
    if (standby)
        return;
    int links = 0;
    int n = pgstat_fetch_stat_numbackends();
    for (int i = 1; i <= n; i++) {
        LocalPgBackendStatus* local = pgstat_fetch_stat_local_beentry(i);
        if (local == nullptr)
            continue;
        PgBackendStatus* be = &local->backendStatus;
        if (be->st_databaseid == MyDatabaseId && be->st_appname != nullptr &&
            strcmp(be->st_appname, "listguard standby link") == 0)
            links++;
    }
    rows.put("standby_links", links);
}

void keys(Rows& rows)
{
    // A keyring that cannot be read is a state to show, not an error.
    MemoryContext context = CurrentMemoryContext;
    ResourceOwner owner = CurrentResourceOwner;
    volatile bool loaded = false;
    BeginInternalSubTransaction(nullptr);
    PG_TRY();
    {
        ensure_keyring();
        ReleaseCurrentSubTransaction();
        loaded = true;
    }
    PG_CATCH();
    {
        MemoryContextSwitchTo(context);
        FlushErrorState();
        RollbackAndReleaseCurrentSubTransaction();
    }
    PG_END_TRY();
    MemoryContextSwitchTo(context);
    CurrentResourceOwner = owner;
    rows.put("keyring_loaded", loaded ? 1 : 0);
    if (!loaded)
        return;
    constexpr size_t kIdSize = 2 * sealed::kKeyIdSize + 1;
    size_t count = 0;
    guarded([&] { count = keyring().email().key_ids().size(); });
    auto* ids = static_cast<char(*)[kIdSize]>(palloc(kIdSize * Max(count, size_t{1})));
    size_t current = 0;
    guarded([&] {
        std::vector<KeyId> all = keyring().email().key_ids();
        for (size_t i = 0; i < count && i < all.size(); i++)
            strlcpy(ids[i], all[i].hex().c_str(), kIdSize);
        current = keyring().email().current();
    });
    rows.put("seal_keys", static_cast<double>(count));
    if (current < count) {
        rows.label("key", ids[current]);
        rows.put("seal_key_current", 1);
    }
}

// What only the tables say: the audit log's extent, archives, protected
// tables and their background stamping. Read as the extension's owner,
// with fixed queries.
void tables(Rows& rows)
{
    struct Found {
        bool has_log = false;
        int64 first_id = 0, last_id = 0;
        double oldest_age = 0;
        double last_archive = 0;
        int64 archived_through = 0;
        int64 protected_tables = 0;
        List* pending = nullptr; // of char* "table" then int64* blocks
    } f;
    elevated([&] {
        if (SPI_execute("SELECT min(id), max(id), extract(epoch FROM now() - (SELECT a.logged_at FROM "
                        "listguard.audit_log a ORDER BY a.id LIMIT 1))::float8 FROM listguard.audit_log",
                        true, 1) == SPI_OK_SELECT &&
            SPI_processed == 1) {
            bool n1, n2, n3;
            Datum first = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &n1);
            Datum last = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &n2);
            Datum age = SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3, &n3);
            f.has_log = !n1;
            f.first_id = n1 ? 0 : DatumGetInt64(first);
            f.last_id = n2 ? 0 : DatumGetInt64(last);
            f.oldest_age = n3 ? 0 : DatumGetFloat8(age);
        }
        if (SPI_execute("SELECT count(*) FROM listguard.protected_tables", true, 1) == SPI_OK_SELECT &&
            SPI_processed == 1) {
            bool isnull;
            f.protected_tables = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
        }
        if (SPI_execute("SELECT to_regclass('listguard.audit_archives') IS NOT NULL", true, 1) == SPI_OK_SELECT &&
            SPI_processed == 1) {
            bool isnull;
            if (DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)) &&
                SPI_execute("SELECT coalesce(extract(epoch FROM max(archived_at))::float8, 0), "
                            "coalesce(max(last_id), 0) FROM listguard.audit_archives",
                            true, 1) == SPI_OK_SELECT &&
                SPI_processed == 1) {
                f.last_archive =
                    DatumGetFloat8(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
                f.archived_through =
                    DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
            }
        }
        if (SPI_execute("SELECT to_regclass('listguard.stamp_queue') IS NOT NULL", true, 1) == SPI_OK_SELECT &&
            SPI_processed == 1) {
            bool isnull;
            if (DatumGetBool(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull)) &&
                SPI_execute("SELECT q.relid::text, greatest(q.end_block - q.next_block, 0) FROM "
                            "listguard.stamp_queue q ORDER BY 1",
                            true, 0) == SPI_OK_SELECT) {
                MemoryContext spi = MemoryContextSwitchTo(CurTransactionContext);
                for (uint64 i = 0; i < SPI_processed; i++) {
                    char* name = SPI_getvalue(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 1);
                    auto* blocks = static_cast<int64*>(palloc(sizeof(int64)));
                    *blocks = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[i], SPI_tuptable->tupdesc, 2, &isnull));
                    f.pending = lappend(f.pending, pstrdup(name));
                    f.pending = lappend(f.pending, blocks);
                }
                MemoryContextSwitchTo(spi);
            }
        }
    });
    rows.put("audit_log_events", f.has_log ? static_cast<double>(f.last_id - f.first_id + 1) : 0);
    rows.put("audit_log_last_id", static_cast<double>(f.last_id));
    rows.put("audit_log_oldest_age_seconds", f.oldest_age);
    rows.put("audit_archive_last_time_seconds", f.last_archive);
    rows.put("audit_archived_through_id", static_cast<double>(f.archived_through));
    rows.put("protected_tables", static_cast<double>(f.protected_tables));
    for (int i = 0; i + 1 < list_length(f.pending); i += 2) {
        rows.label("table", redacted(static_cast<char*>(list_nth(f.pending, i))));
        rows.put("stamp_pending_blocks", static_cast<double>(*static_cast<int64*>(list_nth(f.pending, i + 1))));
    }
}

void operations(Rows& rows)
{
    int n = 0;
    ProgressRow* running = progress_snapshot(MyDatabaseId, &n);
    static const char* const kCommands[] = {"protect",   "stamp_existing", "reseal_existing",     "invalid_addresses",
                                            "key_usage", "retire_key",     "background stamping", "archive_audit"};
    for (const char* command : kCommands) {
        int count = 0;
        for (int i = 0; i < n; i++)
            count += strcmp(running[i].command, command) == 0 ? 1 : 0;
        rows.label("command", command);
        rows.put("operations_running", count);
    }
    for (int i = 0; i < n; i++)
        for (const char* metric : {"operation_blocks_done", "operation_blocks_total", "operation_rows"}) {
            rows.label("pid", running[i].pid);
            rows.label("command", running[i].command);
            rows.label("table", redacted(running[i].table));
            rows.put(metric, strcmp(metric, "operation_blocks_done") == 0    ? running[i].blocks_done
                             : strcmp(metric, "operation_blocks_total") == 0 ? running[i].blocks_total
                                                                             : running[i].rows);
        }
}

} // namespace

} // namespace listguard::pg

using namespace listguard;
using namespace listguard::pg;

// listguard._metrics() -> (metric, labels, value): listguard.metrics.
extern "C" Datum lg_metrics(PG_FUNCTION_ARGS)
{
    require_preload();
    require_monitor("listguard.metrics");
    InitMaterializedSRF(fcinfo, 0);
    Rows rows;
    rows.rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    initStringInfo(&rows.labels);
    flush_reveals(); // this session's own, so far
    counters(rows);
    quotas(rows);
    audit_queue(rows);
    standby(rows);
    keys(rows);
    tables(rows);
    operations(rows);
    return (Datum)0;
}

// listguard._progress() -> (pid, command, table, phase, blocks_done,
// blocks_total, rows, started, updated): listguard.progress.
extern "C" Datum lg_progress(PG_FUNCTION_ARGS)
{
    require_preload();
    require_monitor("listguard.progress");
    InitMaterializedSRF(fcinfo, 0);
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    int n = 0;
    ProgressRow* running = progress_snapshot(MyDatabaseId, &n);
    for (int i = 0; i < n; i++) {
        const ProgressRow& r = running[i];
        Datum values[9] = {
            Int32GetDatum(r.pid),         CStringGetTextDatum(r.command), CStringGetTextDatum(redacted(r.table)),
            CStringGetTextDatum(r.phase), Int64GetDatum(r.blocks_done),   Int64GetDatum(r.blocks_total),
            Int64GetDatum(r.rows),        TimestampTzGetDatum(r.started), TimestampTzGetDatum(r.updated)};
        bool nulls[9] = {false, false, r.table[0] == '\0', r.phase[0] == '\0', false, false, false, false, false};
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    return (Datum)0;
}

// listguard._redact(text) -> text: every address-like token masked.
extern "C" Datum lg_redact(PG_FUNCTION_ARGS)
{
    require_preload();
    PG_RETURN_TEXT_P(cstring_to_text(redacted(text_to_cstring(PG_GETARG_TEXT_PP(0)))));
}

// listguard._has_address(text) -> boolean: whether text holds anything
// redaction would mask.
extern "C" Datum lg_has_address(PG_FUNCTION_ARGS)
{
    require_preload();
    text* t = PG_GETARG_TEXT_PP(0);
    PG_RETURN_BOOL(has_address(std::string_view(VARDATA_ANY(t), VARSIZE_ANY_EXHDR(t))));
}
