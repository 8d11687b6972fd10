#include "pg/quota/charge.h"

#include "pg/access/reveal.h"
#include "pg/audit/events.h"
#include "pg/base/principal_state.h"
#include "pg/base/sqlstates.h"
#include "pg/citus/citus.h"
#include "pg/quota/leases.h"
#include "pg/quota/standby_reservation.h"
#include "pg/quota/store.h"

#include "core/quota/quota.h"

extern "C" {
#include "access/xact.h"
#include "access/xlog.h"
#include "storage/ipc.h"
#include "lib/stringinfo.h"
#include "utils/builtins.h"
#include "utils/json.h"
#include "utils/timestamp.h"
}

namespace listguard::pg {

namespace {

// What this backend has reserved and not yet used, per grant. A handful of
// grants per session at most; a small array is enough.
struct Held {
    int64 grant_id;
    int64 window_start;
    int64 window_seconds;
    int64 remaining;
    bool exhausted; // the shared count was used up in this window
    bool leased;    // the reservation came from a standby's lease
};
constexpr int kHeld = 16;
Held held[kHeld];
int held_count = 0;
bool exit_hook_installed = false;
TimestampTz warned_statement = 0;

void give_back(const Held& h)
{
    if (h.leased)
        give_back_leased_quota(h.grant_id, h.window_start, h.remaining);
    else
        give_back_quota(h.grant_id, h.window_start, h.remaining);
}

void give_back_all()
{
    for (int i = 0; i < held_count; i++)
        give_back(held[i]);
    held_count = 0;
}

void on_exit(int, Datum)
{
    give_back_all();
}

Held* held_for(int64 grant_id)
{
    for (int i = 0; i < held_count; i++)
        if (held[i].grant_id == grant_id)
            return &held[i];
    if (held_count == kHeld) {
        give_back(held[0]);
        held[0] = held[--held_count];
    }
    Held* h = &held[held_count++];
    *h = Held{grant_id, 0, 0, 0, false, false};
    return h;
}

// "day", or "7200 seconds" for a window that is no unit.
const char* unit_name(int64 seconds)
{
    std::string_view unit = quota_unit_name(seconds);
    return unit.empty() ? psprintf("%lld seconds", static_cast<long long>(seconds))
                        : pnstrdup(unit.data(), unit.size());
}

char* scope_text(const Grant& grant)
{
    if (!grant.account)
        return pstrdup("every account");
    if (!grant.list)
        return psprintf("account %lld (every list)", static_cast<long long>(*grant.account));
    return psprintf("account %lld, list %lld", static_cast<long long>(*grant.account),
                    static_cast<long long>(*grant.list));
}

// A hot standby that cannot count a clear reveal against the cluster's
// quota: SQLSTATE LG002, or masks, as the grant's on_exceed says.
void report_standby_refusal(const Grant& grant, const char* role, StandbyRefusal refusal, bool mask)
{
    if (citus_is_worker()) {
        // A worker of a Citus cluster leases from the coordinator.
        const char* why = refusal == StandbyRefusal::Denied
                              ? "listguard.standby_quota is 'deny': clear reveals under an export quota are made on "
                                "the coordinator only."
                              : "This Citus worker could not get a lease on the quota from the coordinator within "
                                "one second.";
        if (!mask)
            ereport(ERROR,
                    (errcode(MAKE_SQLSTATE('L', 'G', '0', '0', '2')),
                     errmsg("export quota of role \"%s\" cannot be counted on this Citus worker", role),
                     errdetail_internal("Grant %lld has an export quota. %s", static_cast<long long>(grant.id), why),
                     errhint(refusal == StandbyRefusal::Denied
                                 ? "Read clear addresses through the coordinator, where they are not cast on workers."
                                 : "Check that the coordinator is up, and the worker's "
                                   "listguard.coordinator_conninfo.")));
        ereport(WARNING,
                (errcode(MAKE_SQLSTATE('L', 'G', '0', '0', '2')),
                 errmsg("export quota of role \"%s\" cannot be counted on this Citus worker; showing masked "
                        "addresses",
                        role),
                 errdetail_internal("Grant %lld has an export quota. %s", static_cast<long long>(grant.id), why)));
        return;
    }
    const char* why = refusal == StandbyRefusal::Denied
                          ? "listguard.standby_quota is 'deny': clear reveals under an export quota are made on "
                            "the primary only."
                          : "The standby could not get a lease on the quota from the primary within one second.";
    if (!mask)
        ereport(ERROR, (errcode(kSqlstateStandbyQuota),
                        errmsg("export quota of role \"%s\" cannot be counted on this standby", role),
                        errdetail_internal("Grant %lld has an export quota. %s", static_cast<long long>(grant.id), why),
                        errhint(refusal == StandbyRefusal::Denied
                                    ? "Read clear addresses on the primary."
                                    : "Read clear addresses on the primary, or check the standby's "
                                      "listguard.primary_conninfo and the primary.")));
    ereport(WARNING, (errcode(kSqlstateStandbyQuota),
                      errmsg("export quota of role \"%s\" cannot be counted on this standby; showing masked "
                             "addresses",
                             role),
                      errdetail_internal("Grant %lld has an export quota. %s", static_cast<long long>(grant.id), why)));
}

void report_exceeded(const Grant& grant, int64 window_start, StandbyRefusal refusal = StandbyRefusal::None)
{
    // A dump must hold every address or fail: it is never masked.
    bool mask = grant.mask_on_exceed && !in_dump_session();
    // With on_exceed = 'mask' every further value of the statement is masked:
    // one event and one warning per statement are enough.
    TimestampTz statement = GetCurrentStatementStartTimestamp();
    if (mask && statement == warned_statement)
        return;
    warned_statement = statement;

    const char* role = GetUserNameFromId(GetUserId(), false);
    char* scope = scope_text(grant);
    TimestampTz resets = time_t_to_timestamptz(static_cast<pg_time_t>(window_start + grant.quota_window));
    // Copied at once: timestamptz_to_str() returns a static buffer, which
    // recording the event below may overwrite.
    const char* resets_text = pstrdup(timestamptz_to_str(resets));
    StringInfoData json;
    initStringInfo(&json);
    appendStringInfo(&json, "{\"grant\": %lld, \"role\": ", static_cast<long long>(grant.id));
    escape_json(&json, role);
    appendStringInfoString(&json, ", \"scope\": ");
    escape_json(&json, scope);
    appendStringInfo(&json, ", \"quota\": \"%lld/%s\", \"on_exceed\": \"%s\"",
                     static_cast<long long>(grant.quota_limit), unit_name(grant.quota_window),
                     grant.mask_on_exceed ? "mask" : "error");
    if (refusal == StandbyRefusal::Unreachable)
        appendStringInfoString(&json, ", \"standby\": \"primary unreachable\"");
    else if (refusal == StandbyRefusal::Denied)
        appendStringInfoString(&json, ", \"standby\": \"standby_quota is deny\"");
    appendStringInfoChar(&json, '}');
    EventScope event_scope;
    event_scope.account = grant.account;
    event_scope.list = grant.list;
    record_event(EventKind::QuotaExceeded, json.data, event_scope);

    char* detail = psprintf("Grant %lld allows %lld clear addresses per %s on %s; the window resets at %s.",
                            static_cast<long long>(grant.id), static_cast<long long>(grant.quota_limit),
                            unit_name(grant.quota_window), scope, resets_text);
    if (refusal != StandbyRefusal::None) {
        report_standby_refusal(grant, role, refusal, mask);
        return;
    }
    // Acting for a principal, the grant may be the principal's: say whose.
    const Principal* principal = principal_in_force();
    if (!mask)
        ereport(ERROR, (errcode(kSqlstateQuotaExceeded),
                        principal == nullptr ? errmsg("export quota exceeded for role \"%s\"", role)
                                             : errmsg("export quota exceeded for principal \"%s\" of role \"%s\"",
                                                      principal->name, role),
                        errdetail_internal("%s", detail),
                        grant.mask_on_exceed
                            ? errhint("This session is a dump, which would hold masks in place of addresses: wait "
                                      "for the window to reset, or dump as a member of listguard_backup.")
                            : errhint("Wait for the window to reset, or ask an administrator for a larger quota.")));
    ereport(WARNING,
            (errcode(kSqlstateQuotaExceeded),
             principal == nullptr
                 ? errmsg("export quota exceeded for role \"%s\"; showing masked addresses", role)
                 : errmsg("export quota exceeded for principal \"%s\" of role \"%s\"; showing masked addresses",
                          principal->name, role),
             errdetail_internal("%s", detail)));
}

} // namespace

bool charge_clear_reveal(const Grant& grant)
{
    if (!grant.has_quota())
        return true;
    Held* h = held_for(grant.id);
    int64 now = static_cast<int64>(timestamptz_to_time_t(GetCurrentStatementStartTimestamp()));
    // Reveals held from a window that has since ended are not used: they
    // counted in that window.
    bool window_open = now < h->window_start + h->window_seconds;
    if (h->remaining > 0 && window_open) {
        h->remaining--;
        return true;
    }
    // Used up in this window already: no need to ask shared memory again.
    if (h->exhausted && window_open) {
        report_exceeded(grant, h->window_start);
        return false;
    }
    if (!exit_hook_installed) {
        before_shmem_exit(on_exit, 0);
        exit_hook_installed = true;
    }
    give_back(*h);
    h->remaining = 0;
    int64 clock = static_cast<int64>(timestamptz_to_time_t(GetCurrentTimestamp()));
    bool leased = false;
    StandbyRefusal refusal = StandbyRefusal::None;
    // A hot standby, and a worker of a Citus cluster, lease from the
    // server that counts (the primary, the coordinator).
    Reservation r = RecoveryInProgress() || citus_is_worker()
                        ? reserve_on_standby(grant, clock, reservation_size(grant.quota_limit), &leased, &refusal)
                        : reserve_quota(grant.id, grant.quota_limit, grant.quota_window, clock,
                                        reservation_size(grant.quota_limit));
    h->leased = leased;
    h->window_start = r.window_start;
    h->window_seconds = grant.quota_window;
    // A standby that could not ask the primary asks again next time.
    h->exhausted = r.granted == 0 && refusal == StandbyRefusal::None;
    if (r.granted > 0) {
        h->remaining = r.granted - 1;
        return true;
    }
    report_exceeded(grant, r.window_start, refusal);
    return false;
}

void quota_at_transaction_end()
{
    give_back_all();
}

} // namespace listguard::pg
