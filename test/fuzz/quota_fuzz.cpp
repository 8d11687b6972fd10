// Quota syntax (core/quota/quota.h): parse_quota on any text, as
// grant_access(quota => ...) and the quota settings get it.
//
// Errors are InvalidParameter only. An accepted quota has a count of at
// least 1 and a window of one of the units, whose name quota_unit_name
// gives back; "count/unit" written from it parses to the same quota.
//
// (Quota windows and leases, core/quota/window.h and lease.h, parse
// nothing: they count with the clock and the grant's numbers.)
#include <string>

#include "core/quota/quota.h"
#include "fuzz.h"

using namespace listguard;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    Quota quota;
    try {
        quota = parse_quota(fuzz::text_of(data, size));
    } catch (const Error& e) {
        FUZZ_CHECK(e.kind() == ErrorKind::InvalidParameter);
        return 0;
    }
    FUZZ_CHECK(quota.limit >= 1);
    std::string_view unit = quota_unit_name(quota.window_seconds);
    FUZZ_CHECK(!unit.empty());

    Quota again = parse_quota(std::to_string(quota.limit) + "/" + std::string(unit));
    FUZZ_CHECK(again.limit == quota.limit && again.window_seconds == quota.window_seconds);
    return 0;
}
