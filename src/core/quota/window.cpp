#include "core/quota/window.h"

#include <algorithm>

namespace listguard {

bool window_over(const QuotaWindow& window, std::int64_t window_seconds, std::int64_t now) noexcept
{
    return window.start == 0 || now >= window.start + window_seconds;
}

Reservation reserve(QuotaWindow& window, std::int64_t limit, std::int64_t window_seconds, std::int64_t now,
                    std::int64_t wanted) noexcept
{
    // A clock that steps back keeps the current window: it never opens a
    // fresh one early.
    if (window_over(window, window_seconds, now)) {
        window.start = now;
        window.used = 0;
    }
    std::int64_t available = std::max<std::int64_t>(0, limit - window.used);
    std::int64_t granted = std::min(std::max<std::int64_t>(wanted, 1), available);
    window.used += granted;
    return {granted, window.start};
}

void give_back(QuotaWindow& window, std::int64_t window_start, std::int64_t unused) noexcept
{
    if (unused > 0 && window.start == window_start)
        window.used = std::max<std::int64_t>(0, window.used - unused);
}

std::int64_t reservation_size(std::int64_t limit) noexcept
{
    return std::clamp<std::int64_t>(limit / 64, 1, 256);
}

std::int64_t durable_count(std::int64_t used, std::int64_t limit) noexcept
{
    std::int64_t headroom = std::max<std::int64_t>(limit / 16, reservation_size(limit));
    return used >= limit ? used : std::min(limit, used + headroom);
}

} // namespace listguard
