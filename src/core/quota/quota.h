// Export quotas: "N/unit", at most N clear reveals per window of one unit.
#pragma once

#include <cstdint>
#include <string_view>

namespace listguard {

struct Quota {
    std::int64_t limit = 0;          // N > 0
    std::int64_t window_seconds = 0; // 1, 60, 3600, 86400 or 604800
};

// Parses "5000/day", "200 / hour", "1/second", ... Units: second, minute,
// hour, day, week (singular, case-insensitive). Throws
// Error(InvalidParameter) with a detail saying what is wrong.
Quota parse_quota(std::string_view text);

// The unit of a window ("day"), or empty for a window that is not one of
// the units (a grant table edited by hand).
std::string_view quota_unit_name(std::int64_t window_seconds) noexcept;

} // namespace listguard
