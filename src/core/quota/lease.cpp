#include "core/quota/lease.h"

#include <algorithm>

namespace listguard {

namespace {

bool lease_window_over(const Lease& lease, std::int64_t window_seconds, std::int64_t now) noexcept
{
    return lease.window_start == 0 || now >= lease.window_start + window_seconds;
}

} // namespace

Reservation take_from_lease(Lease& lease, std::int64_t window_seconds, std::int64_t now, std::int64_t wanted) noexcept
{
    if (lease_window_over(lease, window_seconds, now)) {
        lease.remaining = 0;
        lease.refused = false; // a new window: the primary may have units again
    }
    std::int64_t granted = std::min(std::max<std::int64_t>(wanted, 1), lease.remaining);
    if (granted == 0) {
        lease.wanted = true;
        return {0, lease.window_start};
    }
    lease.remaining -= granted;
    lease.last_used = now;
    return {granted, lease.window_start};
}

void fill_lease(Lease& lease, std::int64_t window_start, std::int64_t granted, std::int64_t now) noexcept
{
    lease.last_used = now;
    if (window_start != lease.window_start)
        lease.remaining = 0; // units of an earlier window are worthless
    lease.window_start = window_start;
    lease.remaining += std::max<std::int64_t>(granted, 0);
    lease.refused = granted <= 0;
    lease.wanted = false;
}

std::int64_t lease_size(std::int64_t limit) noexcept
{
    return std::clamp<std::int64_t>(limit / 16, 1, 65536);
}

bool lease_running_low(const Lease& lease, std::int64_t limit, std::int64_t now) noexcept
{
    if (lease.wanted)
        return true;
    return !lease.refused && now - lease.last_used <= 1 && lease.remaining < lease_size(limit) / 2;
}

bool lease_idle(const Lease& lease, std::int64_t window_seconds, std::int64_t now, std::int64_t idle_seconds) noexcept
{
    if (lease.remaining <= 0)
        return false;
    return lease_window_over(lease, window_seconds, now) || now - lease.last_used >= idle_seconds;
}

} // namespace listguard
