#include "core/quota/quota.h"

#include <cctype>
#include <limits>
#include <string>

#include "core/base/error.h"

namespace listguard {

namespace {

[[noreturn]] void reject(const std::string& detail)
{
    throw Error(ErrorKind::InvalidParameter, "invalid quota", detail,
                "A quota is a positive count per unit, such as '5000/day' or '200/hour'; units are second, "
                "minute, hour, day and week.");
}

std::string_view trim(std::string_view s)
{
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
        s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
        s.remove_suffix(1);
    return s;
}

struct Unit {
    std::string_view name;
    std::int64_t seconds;
};
constexpr Unit kUnits[] = {{"second", 1}, {"minute", 60}, {"hour", 3600}, {"day", 86400}, {"week", 604800}};

bool equals_ignoring_case(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); i++)
        if (std::tolower(static_cast<unsigned char>(a[i])) != b[i])
            return false;
    return true;
}

} // namespace

Quota parse_quota(std::string_view text)
{
    std::size_t slash = text.find('/');
    if (slash == std::string_view::npos)
        reject("It has no \"/\" between the count and the unit.");
    std::string_view count = trim(text.substr(0, slash));
    std::string_view unit = trim(text.substr(slash + 1));
    if (count.empty())
        reject("The count is missing.");
    std::int64_t limit = 0;
    for (char c : count) {
        if (!std::isdigit(static_cast<unsigned char>(c)))
            reject("The count must be a whole number.");
        if (limit > (std::numeric_limits<std::int64_t>::max() - 9) / 10)
            reject("The count is too large.");
        limit = limit * 10 + (c - '0');
    }
    if (limit == 0)
        reject("The count must be at least 1.");

    for (const Unit& u : kUnits)
        if (equals_ignoring_case(unit, u.name))
            return Quota{limit, u.seconds};
    reject("The unit must be second, minute, hour, day or week.");
}

std::string_view quota_unit_name(std::int64_t window_seconds) noexcept
{
    for (const Unit& u : kUnits)
        if (u.seconds == window_seconds)
            return u.name;
    return {};
}

} // namespace listguard
