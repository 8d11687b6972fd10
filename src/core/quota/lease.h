// A standby's lease on a grant's quota: units the primary has already
// counted in its window and handed to this standby to spend. Spending a
// leased unit needs no round trip; when the lease runs dry the standby asks
// the primary for more, and what it does not spend it gives back. Since the
// primary counts a lease when it grants it, the primary and every standby
// together never reveal more than the limit in one window.
#pragma once

#include <cstdint>

#include "core/quota/window.h"

namespace listguard {

struct Lease {
    std::int64_t window_start = 0; // the primary's window the units count in; 0: none
    std::int64_t remaining = 0;    // units not yet spent
    std::int64_t last_used = 0;    // seconds; when a unit was last taken
    bool wanted = false;           // a backend waits for more
    std::int64_t failures = 0;     // requests that could not reach the primary, ever
    bool refused = false;          // the primary's window has no unit left
};

// Takes up to `wanted` units at `now` for a window of `window_seconds`.
// Units of a window that has ended are worthless (they counted there).
// Granted 0: the lease is dry, and `wanted` is set for the link to fetch more.
Reservation take_from_lease(Lease& lease, std::int64_t window_seconds, std::int64_t now, std::int64_t wanted) noexcept;

// The primary granted `granted` units in its window `window_start` (0
// granted: the window is used up) at `now`; a fresh lease is not idle.
void fill_lease(Lease& lease, std::int64_t window_start, std::int64_t granted, std::int64_t now) noexcept;

// How many units to ask the primary for at once: the bigger, the fewer round
// trips, but up to this many per standby stay counted and unspent until the
// lease is given back.
std::int64_t lease_size(std::int64_t limit) noexcept;

// Whether the link should ask for more now: a backend waits, or the lease
// is in use (a unit taken in the last second) and down to half a lease, so
// that busy readers rarely wait for a round trip. Not after a refusal in
// the same window.
bool lease_running_low(const Lease& lease, std::int64_t limit, std::int64_t now) noexcept;

// Whether a lease should go back to the primary: units held but not used for
// `idle_seconds`, or of a window that has ended.
bool lease_idle(const Lease& lease, std::int64_t window_seconds, std::int64_t now, std::int64_t idle_seconds) noexcept;

} // namespace listguard
