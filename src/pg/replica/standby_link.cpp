#include "pg/replica/standby_link.h"

#include "pg/activity/counters.h"
#include "pg/audit/events.h"
#include "pg/audit/origin.h"
#include "pg/audit/queue.h"
#include "pg/base/clipped_text.h"
#include "pg/base/elevated_call.h"
#include "pg/base/settings.h"
#include "pg/access/catalog_confirmation.h"
#include "pg/citus/citus.h"
#include "pg/quota/leases.h"
#include "pg/quota/store.h"
#include "pg/replica/citus_catalog.h"
#include "pg/replica/primary_connection.h"
#include "pg/replica/shipment.h"
#include "pg/replica/event_spill.h"

extern "C" {
#include "access/xact.h"
#include "access/xlog.h"
#include "access/xlogrecovery.h"
#include "commands/dbcommands.h"
#include "executor/spi.h"
#include "pgstat.h"
#include "postmaster/interrupt.h"
#include "storage/latch.h"
#include "utils/guc.h"
#include "utils/builtins.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
}

namespace listguard::pg {

namespace {

constexpr int kShipBatch = 256; // as the writer's batches
constexpr int kMaxLeaseWork = 64;
constexpr int kRequestTimeoutMs = 2000; // a primary slower than this counts as unreachable
constexpr int kRetryMs = 250;           // between connection attempts
constexpr int kMirrorEveryMs = 1000;
constexpr int64 kIdleLeaseSeconds = 5; // unused leases go back after this
constexpr int kIdleExitMs = 10000;     // a link with nothing to do leaves, unless it is the last
constexpr int kCatalogEveryMs = 2000;  // a Citus worker's link checks the coordinator's catalog this often
constexpr int kCitusCheckMs = 5000;    // and whether this node is still one

struct Link {
    Oid database;
    char* database_name;
    PrimaryConnection primary;
    TimestampTz last_attempt = 0;
    TimestampTz last_mirror = 0;
    bool reported_down = false;
    bool spill_pending = true; // events may wait on disk from an earlier run
    int spilled_shipped = 0;   // of them, shipped by this process
    AuditEvent* spill_buffer = nullptr;
    AuditEvent* in_hand = nullptr; // taken off the queue, not yet shipped or kept
    int in_hand_count = 0;
    // A Citus worker's link: to the coordinator instead of a primary.
    bool citus = false;
    char* coordinator = nullptr; // its connection string, derived when not configured
    TimestampTz last_citus_check = 0;
    TimestampTz last_catalog = 0;
};

// A Citus worker's way to the coordinator: listguard.coordinator_conninfo,
// or the coordinator in Citus's metadata as the extension's owner, with
// citus.node_conninfo (TLS settings) as Citus's own connections have.
char* coordinator_conninfo()
{
    if (coordinator_conninfo_setting != nullptr && coordinator_conninfo_setting[0] != '\0')
        return MemoryContextStrdup(TopMemoryContext, coordinator_conninfo_setting);
    char* result = nullptr;
    StartTransactionCommand();
    PushActiveSnapshot(GetTransactionSnapshot());
    const char* owner = GetUserNameFromId(extension_owner(), false);
    if (SPI_connect() == SPI_OK_CONNECT) {
        if (SPI_execute("SELECT nodename, nodeport, pg_catalog.current_setting('citus.node_conninfo', true) "
                        "FROM pg_catalog.pg_dist_node WHERE groupid = 0 AND noderole = 'primary' LIMIT 1",
                        true, 1) == SPI_OK_SELECT &&
            SPI_processed == 1) {
            char* host = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
            char* port = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2);
            char* extra = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 3);
            result = MemoryContextStrdup(
                TopMemoryContext, psprintf("host='%s' port=%s user='%s' %s", host, port, owner, extra ? extra : ""));
        }
        SPI_finish();
    }
    PopActiveSnapshot();
    CommitTransactionCommand();
    return result;
}

const char* conninfo(Link& link)
{
    if (link.citus) {
        if (link.coordinator == nullptr)
            link.coordinator = coordinator_conninfo();
        return link.coordinator ? link.coordinator : "";
    }
    if (primary_conninfo_setting != nullptr && primary_conninfo_setting[0] != '\0')
        return primary_conninfo_setting;
    return PrimaryConnInfo != nullptr ? PrimaryConnInfo : "";
}

bool database_is_citus_worker()
{
    StartTransactionCommand();
    bool worker = citus_is_worker_by_catalog();
    CommitTransactionCommand();
    return worker;
}

void report_down(Link& link, const char* why)
{
    set_gauge(link.database, Counter::StandbyLinkUp, 0);
    count(link.database, Counter::StandbyLinkFailures);
    if (link.reported_down)
        return;
    link.reported_down = true;
    ereport(LOG, (errmsg("listguard %s link for database \"%s\" cannot reach the %s: %s",
                         link.citus ? "Citus worker" : "standby", link.database_name,
                         link.citus ? "coordinator" : "primary", why),
                  errdetail("Clear reveals under export quotas fail closed here, and audit events go to the "
                            "server log and wait on disk, until it can.")));
}

bool connect(Link& link)
{
    if (link.primary.is_open())
        return true;
    TimestampTz now = GetCurrentTimestamp();
    if (!TimestampDifferenceExceeds(link.last_attempt, now, kRetryMs))
        return false;
    link.last_attempt = now;
    if (conninfo(link)[0] == '\0') {
        report_down(link, link.citus ? "listguard.coordinator_conninfo is not set and Citus knows no coordinator"
                                     : "neither listguard.primary_conninfo nor primary_conninfo is set");
        return false;
    }
    // The name as it is now (a rename replays here too).
    StartTransactionCommand();
    char* name = get_database_name(link.database);
    if (name != nullptr) {
        pfree(link.database_name);
        link.database_name = MemoryContextStrdup(TopMemoryContext, name);
    }
    CommitTransactionCommand();
    const char* keywords[] = {"dbname", "dbname", "application_name", "options", nullptr};
    // The session's settings are the link's, not what the database's owner
    // set for everyone (ALTER DATABASE ... SET, ALTER ROLE ... SET): a role
    // would change whom the session runs as, a read-only default would keep
    // the standby's events out of the chain, a short idle timeout would cut
    // the link. What the link needs is set here (the role and search_path,
    // which pg_settings does not show or whose value is not the default,
    // the timeouts and the read-only default, against postgresql.conf too;
    // an idle timeout only costs a reconnection);
    // every other setting such a default reached is reset below. (The
    // primary's functions pin what their own SQL depends on.)
    const char* values[] = {conninfo(link), link.database_name,
                            link.citus ? "listguard citus worker link" : "listguard standby link",
                            "-c role=none -c synchronous_commit=on -c search_path=pg_catalog -c row_security=on "
                            "-c default_transaction_isolation=read\\ committed "
                            "-c statement_timeout=0 -c lock_timeout=0 -c idle_in_transaction_session_timeout=0 "
                            "-c default_transaction_read_only=off",
                            nullptr};
    if (!link.primary.open(keywords, values, kRequestTimeoutMs)) {
        report_down(link, link.primary.error());
        return false;
    }
    // Not a list of what is refused but of what is kept: every setting that
    // came from the database's or a role's defaults goes back to its built-in
    // value (those the link's login may set; the others only a superuser, or
    // a role a superuser let, could have stored).
    PGresult* reset = link.primary.run(
        "SELECT pg_catalog.count(pg_catalog.set_config(s.name, s.boot_val, false)) FROM pg_catalog.pg_settings s "
        "WHERE s.source OPERATOR(pg_catalog.=) ANY ('{database,user,\"database user\"}'::pg_catalog.text[]) "
        "AND s.boot_val IS NOT NULL AND (s.context OPERATOR(pg_catalog.=) 'user' OR "
        "(s.context OPERATOR(pg_catalog.=) 'superuser' AND pg_catalog.has_parameter_privilege(s.name, 'SET')))",
        0, nullptr, nullptr, nullptr, PGRES_TUPLES_OK, kRequestTimeoutMs);
    if (reset == nullptr) {
        report_down(link, link.primary.error());
        return false;
    }
    PQclear(reset);
    // The same database, not one made under its name since: a physical
    // standby's databases have the primary's OIDs.
    PGresult* r = link.primary.run(
        "SELECT oid FROM pg_catalog.pg_database WHERE datname OPERATOR(pg_catalog.=) pg_catalog.current_database()", 0,
        nullptr, nullptr, nullptr, PGRES_TUPLES_OK, kRequestTimeoutMs);
    if (r == nullptr) {
        report_down(link, link.primary.error());
        return false;
    }
    // A Citus worker's databases have OIDs of their own: the name is enough.
    bool same = PQntuples(r) == 1 && (link.citus || strtoul(PQgetvalue(r, 0, 0), nullptr, 10) == link.database);
    PQclear(r);
    if (!same) {
        link.primary.close();
        report_down(link, psprintf("database \"%s\" on the primary is not this standby's database %u",
                                   link.database_name, link.database));
        return false;
    }
    set_gauge(link.database, Counter::StandbyLinkUp, 1);
    if (link.reported_down)
        ereport(LOG,
                (errmsg("listguard standby link for database \"%s\" reaches the primary again", link.database_name)));
    link.reported_down = false;
    return true;
}

int64 int_at(PGresult* result, int row, int column)
{
    return strtoll(PQgetvalue(result, row, column), nullptr, 10);
}

// Leases: units asked for by waiting backends, and idle units given back.
bool serve_leases(Link& link, const LeaseWork* work, int count)
{
    for (int i = 0; i < count; i++) {
        const LeaseWork& w = work[i];
        if (w.give_back > 0) {
            const char* values[] = {psprintf("%lld", static_cast<long long>(w.grant_id)),
                                    psprintf("%lld", static_cast<long long>(w.give_back_window)),
                                    psprintf("%lld", static_cast<long long>(w.give_back))};
            PGresult* r = link.primary.run("SELECT listguard._return_quota($1, $2, $3)", 3, values, nullptr, nullptr,
                                           PGRES_TUPLES_OK, kRequestTimeoutMs);
            if (r == nullptr)
                return false; // the units stay counted at the primary: safe
            PQclear(r);
        }
        if (w.wanted > 0) {
            const char* values[] = {psprintf("%lld", static_cast<long long>(w.grant_id)),
                                    psprintf("%lld", static_cast<long long>(w.wanted))};
            PGresult* r =
                link.primary.run("SELECT granted, window_start, window_used FROM listguard._lease_quota($1, $2)", 2,
                                 values, nullptr, nullptr, PGRES_TUPLES_OK, kRequestTimeoutMs);
            if (r == nullptr)
                return false;
            if (PQntuples(r) == 1) {
                QuotaWindow primary{int_at(r, 0, 1), int_at(r, 0, 2)};
                fill_leased_quota(link.database, w.grant_id, int_at(r, 0, 1), int_at(r, 0, 0), primary,
                                  static_cast<int64>(timestamptz_to_time_t(GetCurrentTimestamp())));
            }
            PQclear(r);
        }
    }
    return true;
}

bool ship(Link& link, const AuditEvent* events, int count)
{
    if (count == 0)
        return true;
    int length;
    const char* payload = pack_shipment(events, count, &length);
    const char* values[] = {standby_origin(), payload};
    int lengths[] = {0, length};
    int formats[] = {0, 1};
    PGresult* r = link.primary.run("SELECT listguard._append_standby_events($1, $2)", 2, values, lengths, formats,
                                   PGRES_TUPLES_OK, kRequestTimeoutMs);
    if (r != nullptr) {
        PQclear(r);
        return true;
    }
    if (!link.primary.refused_data())
        return false; // sent again later
    // The primary will never take these: they go to this server's log, and
    // the next shipment's audit_gap counts them.
    ereport(LOG, (errmsg("listguard standby link: %s", link.primary.error())));
    for (int i = 0; i < count; i++) {
        if (!events[i].in_server_log)
            log_event(events[i], " (standby, refused by the primary)");
        audit_note_overflow(link.database);
    }
    return true;
}

bool mirror(Link& link)
{
    PGresult* r = link.primary.run(
        "SELECT database, grant_id, window_seconds, window_start, used FROM listguard._quota_windows()", 0, nullptr,
        nullptr, nullptr, PGRES_TUPLES_OK, kRequestTimeoutMs);
    if (r == nullptr)
        return false;
    int64 now = static_cast<int64>(timestamptz_to_time_t(GetCurrentTimestamp()));
    for (int i = 0; i < PQntuples(r); i++)
        mirror_primary_window(static_cast<Oid>(int_at(r, i, 0)), int_at(r, i, 1), int_at(r, i, 2),
                              QuotaWindow{int_at(r, i, 3), int_at(r, i, 4)}, now);
    PQclear(r);
    return true;
}

// Takes the next events off the queue into events[1..], and, when some went
// to the server log for want of room since the last time, an audit_gap
// event counting them into events[0]. Sets *batch to the first; returns how
// many (0: nothing waits).
int take_batch(Link& link, AuditEvent* events, AuditEvent** batch)
{
    int64 overflowed = 0;
    int count = audit_dequeue(link.database, events + 1, kShipBatch, &overflowed);
    *batch = events + 1;
    if (overflowed > 0) {
        events[0] = audit_gap_event(link.database, overflowed, "the standby's audit queue was full");
        copy_clipped(events[0].origin, sizeof events[0].origin, standby_origin());
        *batch = events;
        count++;
    }
    return count;
}

// Events that could not be shipped: in the server log at once (once each),
// and on disk until the primary can be reached (pg/replica/event_spill.h); those
// beyond the file's bound are counted for the next audit_gap.
void keep_for_later(Link& link, AuditEvent* events, int count)
{
    for (int i = 0; i < count; i++)
        if (!events[i].in_server_log) {
            log_event(events[i], " (standby, primary unreachable)");
            events[i].in_server_log = true;
        }
    int kept = spill_events(link.database, events, count);
    link.spill_pending = link.spill_pending || kept > 0;
    for (int i = kept; i < count; i++)
        audit_note_overflow(link.database);
}

// Ships what waits on disk, oldest first, before anything newer; whether
// all of it is shipped.
bool ship_spilled(Link& link)
{
    while (link.spill_pending) {
        int n = read_spilled(link.database, link.spilled_shipped, link.spill_buffer, kShipBatch);
        if (n == 0) {
            drop_spilled(link.database);
            link.spill_pending = false;
            link.spilled_shipped = 0;
            break;
        }
        if (!ship(link, link.spill_buffer, n))
            return false;
        link.spilled_shipped += n;
    }
    return true;
}

// A Citus worker takes the coordinator's catalog when its generation is
// not the one this node holds (a node added later, or one that was down or
// restored): the coordinator sends every change to the nodes it can reach
// in the change's own transaction, this catches the others up. Once the
// coordinator answered, the catalog here is confirmed (until the server
// stops: pg/access/catalog_confirmation.h).
bool take_catalog(Link& link)
{
    StartTransactionCommand();
    PushActiveSnapshot(GetTransactionSnapshot());
    char held[32];
    snprintf(held, sizeof held, INT64_FORMAT, held_catalog_generation());
    PopActiveSnapshot();
    CommitTransactionCommand();
    const char* values[] = {held};
    PGresult* r = link.primary.run("SELECT listguard._citus_catalog($1::pg_catalog.int8)", 1, values, nullptr, nullptr,
                                   PGRES_TUPLES_OK, kRequestTimeoutMs);
    if (r == nullptr)
        return false;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return false;
    }
    if (!PQgetisnull(r, 0, 0)) {
        char* snapshot = pstrdup(PQgetvalue(r, 0, 0));
        PQclear(r);
        StartTransactionCommand();
        PushActiveSnapshot(GetTransactionSnapshot());
        apply_catalog(snapshot);
        PopActiveSnapshot();
        CommitTransactionCommand();
        pfree(snapshot);
        ereport(DEBUG1, (errmsg("listguard took the coordinator's catalog")));
    } else
        PQclear(r);
    // The generation held now (committed): the coordinator's, or a newer
    // one its own sending brought meanwhile.
    StartTransactionCommand();
    PushActiveSnapshot(GetTransactionSnapshot());
    int64 confirmed = held_catalog_generation();
    PopActiveSnapshot();
    CommitTransactionCommand();
    confirm_citus_catalog(MyDatabaseId, confirmed);
    return true;
}

// One round; whether it did anything (then another follows at once). The
// mirror is taken whatever else fails; leases are fetched only once the
// standby's events have reached the primary, so that no clear reveal here
// goes without its record there for longer than a lease lasts.
bool link_round(Link& link, AuditEvent* events)
{
    TimestampTz now = GetCurrentTimestamp();
    int64 seconds = static_cast<int64>(timestamptz_to_time_t(now));
    LeaseWork work[kMaxLeaseWork];
    int works = lease_work(link.database, seconds, kIdleLeaseSeconds, work, kMaxLeaseWork);
    AuditEvent* batch;
    int batch_count = take_batch(link, events, &batch);
    // Only when the primary counts: with 'local' the standby's own counts
    // are the ones that matter, and a mirror would overwrite them.
    bool mirror_due = !link.citus && standby_quota_setting == static_cast<int>(StandbyQuota::Primary) &&
                      TimestampDifferenceExceeds(link.last_mirror, now, kMirrorEveryMs);
    bool catalog_due = link.citus && TimestampDifferenceExceeds(link.last_catalog, now, kCatalogEveryMs);
    if (works == 0 && batch_count == 0 && !mirror_due && !catalog_due && !link.spill_pending)
        return false;
    link.in_hand = batch;
    link.in_hand_count = batch_count;
    bool connected = connect(link);
    bool mirrored = true;
    if (mirror_due) {
        mirrored = connected && mirror(link);
        link.last_mirror = now; // a failed mirror is tried again in a second
        connected = link.primary.is_open();
    }
    if (catalog_due) {
        if (connected)
            (void)take_catalog(link);
        link.last_catalog = now; // tried again in a while, whatever happened
        connected = link.primary.is_open();
    }
    bool shipped = connected && ship_spilled(link) && ship(link, batch, batch_count);
    if (!shipped)
        keep_for_later(link, batch, batch_count);
    link.in_hand_count = 0;
    bool leased = shipped && serve_leases(link, work, works);
    if (!leased)
        fail_leased_quota(link.database);
    if (!link.primary.is_open() && !shipped)
        report_down(link, link.primary.error());
    audit_batch_done(link.database);
    return shipped && leased && mirrored && (works > 0 || batch_count >= kShipBatch);
}

// The server stops: what is queued is shipped if the primary is at hand,
// or kept on disk, until the queue stays empty for a moment (sessions that
// are being stopped may still raise events).
void drain_at_shutdown(Link& link, AuditEvent* events)
{
    TimestampTz until = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), 1000);
    int quiet = 0;
    while (quiet < 3 && GetCurrentTimestamp() < until) {
        AuditEvent* batch;
        int count = take_batch(link, events, &batch);
        if (count == 0) {
            quiet++;
            pg_usleep(20000);
            continue;
        }
        quiet = 0;
        bool shipped = link.primary.is_open() && ship_spilled(link) && ship(link, batch, count);
        if (!shipped)
            keep_for_later(link, batch, count);
        audit_batch_done(link.database);
    }
}

} // namespace

void run_standby_link(Oid database)
{
    Link link;
    link.database = database;
    link.citus = !RecoveryInProgress() && database_is_citus_worker();
    link.last_citus_check = GetCurrentTimestamp();
    StartTransactionCommand();
    link.database_name = MemoryContextStrdup(TopMemoryContext, get_database_name(database));
    CommitTransactionCommand();
    pgstat_report_appname(link.citus ? "listguard citus worker link" : "listguard standby link");
    AuditEvent* events =
        static_cast<AuditEvent*>(MemoryContextAlloc(TopMemoryContext, sizeof(AuditEvent) * (kShipBatch + 1)));
    link.spill_buffer = static_cast<AuditEvent*>(MemoryContextAlloc(TopMemoryContext, sizeof(AuditEvent) * kShipBatch));
    MemoryContext round_context =
        AllocSetContextCreate(TopMemoryContext, "listguard standby link", ALLOCSET_DEFAULT_SIZES);
    TimestampTz last_busy = GetCurrentTimestamp();
    for (;;) {
        CHECK_FOR_INTERRUPTS();
        if (ConfigReloadPending) {
            ConfigReloadPending = false;
            ProcessConfigFile(PGC_SIGHUP);
            link.primary.close(); // the connection string may have changed
        }
        if (!link.citus && !RecoveryInProgress())
            break; // promoted
        if (link.citus && TimestampDifferenceExceeds(link.last_citus_check, GetCurrentTimestamp(), kCitusCheckMs)) {
            if (!database_is_citus_worker())
                break; // removed from the cluster: the database's writer takes over
            link.last_citus_check = GetCurrentTimestamp();
        }
        if (ShutdownRequestPending) {
            drain_at_shutdown(link, events);
            break;
        }
        MemoryContext old = MemoryContextSwitchTo(round_context);
        volatile bool busy = false;
        PG_TRY();
        {
            busy = link_round(link, events);
        }
        PG_CATCH();
        {
            // Whatever failed, the events in hand are not lost: they are
            // kept like events the primary could not take.
            MemoryContextSwitchTo(round_context);
            EmitErrorReport();
            FlushErrorState();
            if (IsTransactionState())
                AbortCurrentTransaction();
            link.primary.close();
            if (link.in_hand_count > 0)
                keep_for_later(link, link.in_hand, link.in_hand_count);
            link.in_hand_count = 0;
            audit_batch_done(database);
        }
        PG_END_TRY();
        MemoryContextSwitchTo(old);
        MemoryContextReset(round_context);
        TimestampTz now = GetCurrentTimestamp();
        if (busy || link.spill_pending || database_holds_leases(database) || audit_pending(database) > 0)
            last_busy = now;
        if (busy)
            continue;
        // An idle link leaves (worker slots are few), but one stays to keep
        // the mirror of the primary's windows.
        if (TimestampDifferenceExceeds(last_busy, now, kIdleExitMs) && audit_writers_running() > 1)
            break;
        (void)WaitLatch(MyLatch, WL_LATCH_SET | WL_TIMEOUT | WL_EXIT_ON_PM_DEATH, 200, PG_WAIT_EXTENSION);
        ResetLatch(MyLatch);
    }
    link.primary.close();
}

} // namespace listguard::pg
