// The primary's side of the standby link: SQL functions that only members
// of listguard_standby may call (src/sql/replica), over the link's connection.
#include "pg/audit/append.h"
#include "pg/audit/events.h"
#include "pg/audit/queue.h"
#include "pg/base/catalog.h"
#include "pg/base/clipped_text.h"
#include "pg/base/elevated_call.h"
#include "pg/base/preload.h"
#include "pg/quota/store.h"
#include "pg/replica/shipment.h"

extern "C" {
#include "access/htup_details.h"
#include "access/xlog.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/snapmgr.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

PG_FUNCTION_INFO_V1(lg_lease_quota);
PG_FUNCTION_INFO_V1(lg_return_quota);
PG_FUNCTION_INFO_V1(lg_quota_windows);
PG_FUNCTION_INFO_V1(lg_append_standby_events);
}

namespace listguard::pg {

namespace {

void require_primary()
{
    if (RecoveryInProgress())
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE), errmsg("this server is itself a standby"),
                        errhint("Point listguard.primary_conninfo of a standby at the primary: cascading "
                                "standbys are not supported.")));
}

int64 now_seconds()
{
    return static_cast<int64>(timestamptz_to_time_t(GetCurrentTimestamp()));
}

struct GrantQuota {
    int64 limit = 0;
    int64 window = 0;
};

// The grant's quota as this server's catalog says (a standby's may lag: a
// grant revoked or expired here gets no lease, whatever the standby thinks).
GrantQuota quota_of_grant(int64 grant_id)
{
    GrantQuota q;
    pinned_spi([&] {
        Oid types[] = {INT8OID};
        Datum values[] = {Int64GetDatum(grant_id)};
        int rc = SPI_execute_with_args(
            "SELECT quota_limit, quota_window FROM listguard.grants WHERE id = $1 AND quota_limit IS NOT NULL "
            "AND (valid_until IS NULL OR valid_until > pg_catalog.now())",
            1, types, values, nullptr, true, 1);
        if (rc == SPI_OK_SELECT && SPI_processed == 1) {
            bool isnull;
            q.limit = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1, &isnull));
            q.window = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 2, &isnull));
        }
    });
    return q;
}

// A standby's event as the primary takes it: text fields end within their
// arrays, counts fit, and nothing in it could make the audit log unreadable
// later (a timestamp out of range, text that is not in the database's
// encoding, a kind listguard never raises): such a shipment is refused
// whole, and the link puts its events in the standby's server log instead.
void check_standby_event(AuditEvent& e, TimestampTz now)
{
    normalize_shipped_event(e);
    if (!is_event_kind_name(e.kind))
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("a standby's event has an unknown kind"),
                        errdetail("listguard raises no event of that kind.")));
    if (TIMESTAMP_NOT_FINITE(e.time) || !IS_VALID_TIMESTAMP(e.time) || e.time > now + USECS_PER_DAY)
        ereport(ERROR,
                (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE), errmsg("a standby's event has a time out of range"),
                 errdetail("Events must not be dated more than a day ahead of the primary's clock.")));
    for (const char* text : {e.database_name, e.kind, e.session_user, e.current_user, e.client_addr, e.application_name,
                             e.relation, e.counts, e.detail})
        if (!pg_verifymbstr(text, static_cast<int>(strlen(text)), true))
            ereport(ERROR, (errcode(ERRCODE_CHARACTER_NOT_IN_REPERTOIRE),
                            errmsg("a standby's event holds text that is not valid in the database's encoding")));
}

// What this session (one standby's link) was leased, per grant, in the
// grant's current window: a session gives back at most that, so a login of
// listguard_standby cannot hand back units another standby holds (and make
// budget out of them).
struct SessionLease {
    int64 grant_id; // the key
    int64 window_start;
    int64 leased;
};
HTAB* session_leases = nullptr;

SessionLease* session_lease(int64 grant_id, bool create)
{
    if (session_leases == nullptr) {
        HASHCTL info;
        info.keysize = sizeof(int64);
        info.entrysize = sizeof(SessionLease);
        info.hcxt = TopMemoryContext;
        session_leases = hash_create("listguard session leases", 64, &info, HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
    }
    bool found;
    auto* entry =
        static_cast<SessionLease*>(hash_search(session_leases, &grant_id, create ? HASH_ENTER : HASH_FIND, &found));
    if (entry != nullptr && create && !found) {
        entry->window_start = 0;
        entry->leased = 0;
    }
    return entry;
}

} // namespace

} // namespace listguard::pg

using namespace listguard;
using namespace listguard::pg;

// listguard._lease_quota(grant_id, wanted) -> (granted, window_start,
// window_used): units of the grant's current window for a standby, counted
// here at once.
extern "C" Datum lg_lease_quota(PG_FUNCTION_ARGS)
{
    require_preload();
    require_primary();
    int64 grant_id = PG_GETARG_INT64(0);
    int64 wanted = PG_GETARG_INT64(1);
    TupleDesc desc;
    if (get_call_result_type(fcinfo, nullptr, &desc) != TYPEFUNC_COMPOSITE)
        elog(ERROR, "return type must be a row type");
    desc = BlessTupleDesc(desc);
    GrantQuota q = quota_of_grant(grant_id);
    Datum values[3] = {Int64GetDatum(0), Int64GetDatum(0), Int64GetDatum(0)};
    bool nulls[3] = {false, false, false};
    if (q.limit > 0 && q.window > 0) {
        Reservation r = reserve_quota(grant_id, q.limit, q.window, now_seconds(), Max(1, Min(wanted, q.limit)));
        QuotaWindow after = quota_window_of(MyDatabaseId, grant_id);
        SessionLease* mine = session_lease(grant_id, true);
        if (mine->window_start != r.window_start) {
            mine->window_start = r.window_start;
            mine->leased = 0;
        }
        mine->leased += r.granted;
        values[0] = Int64GetDatum(r.granted);
        values[1] = Int64GetDatum(r.window_start);
        values[2] = Int64GetDatum(after.used);
    }
    PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

// listguard._return_quota(grant_id, window_start, unused): a standby gives
// back units it did not use.
extern "C" Datum lg_return_quota(PG_FUNCTION_ARGS)
{
    require_preload();
    require_primary();
    int64 unused = PG_GETARG_INT64(2);
    if (unused < 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("cannot give back %lld units", static_cast<long long>(unused))));
    int64 grant_id = PG_GETARG_INT64(0);
    int64 window_start = PG_GETARG_INT64(1);
    SessionLease* mine = session_lease(grant_id, false);
    if (mine == nullptr || mine->window_start != window_start)
        PG_RETURN_VOID(); // this session was leased nothing in that window
    int64 returned = Min(unused, mine->leased);
    mine->leased -= returned;
    give_back_quota(grant_id, window_start, returned);
    PG_RETURN_VOID();
}

// listguard._quota_windows() -> (database, grant_id, window_seconds,
// window_start, used): every open window of the server, for the standbys'
// mirrors.
extern "C" Datum lg_quota_windows(PG_FUNCTION_ARGS)
{
    require_preload();
    require_primary();
    InitMaterializedSRF(fcinfo, 0);
    auto* rsinfo = reinterpret_cast<ReturnSetInfo*>(fcinfo->resultinfo);
    int count = 0;
    QuotaSnapshot* snapshot = quota_snapshot(InvalidOid, &count);
    int64 now = now_seconds();
    for (int i = 0; i < count; i++) {
        if (window_over(snapshot[i].window, snapshot[i].window_seconds, now))
            continue;
        Datum values[5] = {ObjectIdGetDatum(snapshot[i].database), Int64GetDatum(snapshot[i].grant_id),
                           Int64GetDatum(snapshot[i].window_seconds), Int64GetDatum(snapshot[i].window.start),
                           Int64GetDatum(snapshot[i].window.used)};
        bool nulls[5] = {false, false, false, false, false};
        tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
    }
    return static_cast<Datum>(0);
}

// listguard._append_standby_events(origin, events): a standby's events,
// appended to this database's audit chain in the caller's transaction (so
// the standby forgets them only once they are committed here), each with
// the standby's name as its origin.
extern "C" Datum lg_append_standby_events(PG_FUNCTION_ARGS)
{
    require_preload();
    require_primary();
    const char* origin = text_to_cstring(PG_GETARG_TEXT_PP(0));
    bytea* payload = PG_GETARG_BYTEA_PP(1);
    if (origin[0] == '\0')
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE), errmsg("a standby's events need its name"),
                        errdetail("Events without an origin are this server's own.")));
    int count = 0;
    AuditEvent* events = unpack_shipment(VARDATA_ANY(payload), VARSIZE_ANY_EXHDR(payload), &count);
    Oid audit_log = listguard_objects().audit_log;
    if (!OidIsValid(audit_log))
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("listguard is not installed in this database")));
    TimestampTz now = GetCurrentTimestamp();
    for (int i = 0; i < count; i++) {
        check_standby_event(events[i], now);
        events[i].database = MyDatabaseId;
        copy_clipped(events[i].origin, sizeof events[i].origin, origin);
    }
    bool was_writer = in_audit_writer;
    in_audit_writer = true; // the audit log's guard lets its appenders through
    PG_TRY();
    {
        pinned_spi([&] {
            forget_audit_append_plan(); // made afresh: the extension may have been made again since
            (void)append_to_audit_log(audit_log, events, count);
        });
    }
    PG_FINALLY();
    {
        in_audit_writer = was_writer;
    }
    PG_END_TRY();
    audit_wake_writer(MyDatabaseId); // the anchor follows the chain's new end
    PG_RETURN_INT32(count);
}
