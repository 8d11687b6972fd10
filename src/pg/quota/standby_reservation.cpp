#include "pg/quota/standby_reservation.h"

#include "pg/audit/queue.h"
#include "pg/base/settings.h"
#include "pg/quota/leases.h"
#include "pg/quota/store.h"

extern "C" {
#include "pgstat.h"
#include "storage/condition_variable.h"
#include "utils/timestamp.h"
}

namespace listguard::pg {

Reservation reserve_on_standby(const Grant& grant, int64 now, int64 wanted, bool* leased, StandbyRefusal* refusal)
{
    *refusal = StandbyRefusal::None;
    *leased = false;
    switch (static_cast<StandbyQuota>(standby_quota_setting)) {
    case StandbyQuota::Local:
        return reserve_quota(grant.id, grant.quota_limit, grant.quota_window, now, wanted);
    case StandbyQuota::Deny:
        *refusal = StandbyRefusal::Denied;
        return {0, 0};
    case StandbyQuota::Primary:
        break;
    }
    *leased = true;
    TimestampTz deadline = TimestampTzPlusMilliseconds(GetCurrentTimestamp(), kLeaseWaitMs);
    ConditionVariable* changed = lease_condition();
    bool asked = false;
    int64 failures_before = 0;
    Reservation r{0, 0};
    for (;;) {
        LeaseStatus status;
        r = take_leased_quota(grant.id, grant.quota_limit, grant.quota_window, now, wanted, &status);
        if (r.granted > 0 || status.refused)
            break;
        if (asked && status.failures > failures_before) {
            *refusal = StandbyRefusal::Unreachable;
            break;
        }
        if (!asked) {
            failures_before = status.failures;
            audit_wake_writer(MyDatabaseId); // the link is the database's writer on a standby
            ConditionVariablePrepareToSleep(changed);
            asked = true;
            continue;
        }
        long remaining = TimestampDifferenceMilliseconds(GetCurrentTimestamp(), deadline);
        if (remaining <= 0) {
            *refusal = StandbyRefusal::Unreachable;
            break;
        }
        (void)ConditionVariableTimedSleep(changed, remaining, PG_WAIT_EXTENSION);
    }
    if (asked)
        ConditionVariableCancelSleep();
    return r;
}

} // namespace listguard::pg
