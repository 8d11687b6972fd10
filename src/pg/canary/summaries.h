// Reading the reveal summaries (core/canary/reveal_summary.h): the table
// listguard.reveal_summaries, as the audit writer folded the spool files
// into it, and the spool files it has not folded yet (or folded a moment
// ago: a file stays a while after), so that a reveal is found as soon as
// its statement ended.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

struct SummaryFilterRef {
    const uint8* bits;
    size_t octets;
    int32 day;
};

// What one role read in clear from `since` (a date) on: filters of its days,
// and keys not yet in a filter (sorted; with their days).
struct RoleSummaries {
    Oid role;
    SummaryFilterRef* filters;
    int filter_count;
    uint64* pending; // sorted
    int32* pending_day;
    int pending_count;
    // The chance that a key the role never read is found in any of its
    // filters (core/canary/reveal_summary.h): whatever the question, an
    // answer's false positive rate is at most this.
    double false_positive_rate;
    bool within_bound; // at most kMaxFalsePositiveRate: its answers count
};

// Loads the summaries of `roles` from day `since` on, in the current memory
// context. Runs SPI queries: call with SPI connected.
RoleSummaries* load_role_summaries(const Oid* roles, int role_count, int32 since);

// Whether the role read the address with this key in clear on day `from`
// or later (a false positive now and then: at most false_positive_rate).
bool summaries_hold(const RoleSummaries& s, uint64 key, int32 from = PG_INT32_MIN);

} // namespace listguard::pg
