// Counting reveals against a quota: at most `limit` per window. A window
// starts with the first reveal after the previous window ended and lasts
// `window_seconds`. So within any span of one window's length at most
// 2 x limit values are revealed (the end of one window and the start of the
// next), and within any single window at most limit.
//
// Backends take reveals from the shared count in small reservations, so the
// shared state is touched once per reservation, not once per value; what a
// backend reserved but did not use is given back when its transaction ends.
// A reservation is counted as used the moment it is taken, so concurrent
// backends can never together exceed the limit.
#pragma once

#include <cstdint>

namespace listguard {

struct QuotaWindow {
    std::int64_t start = 0; // seconds; 0: no window open
    std::int64_t used = 0;  // reveals counted in this window (reservations included)
};

struct Reservation {
    std::int64_t granted = 0;      // how many reveals the caller may make now
    std::int64_t window_start = 0; // the window they count in
};

// Whether no window is open at time `now`: none was ever opened, or the
// last one has ended.
bool window_over(const QuotaWindow& window, std::int64_t window_seconds, std::int64_t now) noexcept;

// Takes up to `wanted` reveals (at least 1 is asked for) at time `now`,
// opening a new window if the current one has ended.
Reservation reserve(QuotaWindow& window, std::int64_t limit, std::int64_t window_seconds, std::int64_t now,
                    std::int64_t wanted) noexcept;

// Gives back `unused` reveals of a reservation taken in window_start, if that
// window is still the current one (a later window starts from zero anyway).
void give_back(QuotaWindow& window, std::int64_t window_start, std::int64_t unused) noexcept;

// How many reveals to reserve at once for a quota: small enough that a
// backend holding an unused reservation does not starve others for long.
std::int64_t reservation_size(std::int64_t limit) noexcept;

// What the saved state records for a window that has counted `used`: a
// count at least that high, with room for the next reservations, so that a
// crash never gives back reveals that were made (it may take some that were
// not), and saving to disk is needed only every limit/16 reveals or so.
std::int64_t durable_count(std::int64_t used, std::int64_t limit) noexcept;

} // namespace listguard
