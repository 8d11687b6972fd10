#include "core/email/mask.h"

#include <cstring>

#include "core/email/address.h"

namespace listguard {

std::size_t mask_address(std::string_view display, char* out) noexcept
{
    AddressParts parts = split_address(display);
    std::string_view local = parts.local;
    // The first character of a quoted local part is the first one inside the
    // quotes; anything but a visible ASCII character shows as "*".
    std::size_t first = 0;
    if (!local.empty() && local[0] == '"')
        first = (local.size() > 2 && local[1] == '\\') ? 2 : 1;
    char c = first < local.size() ? local[first] : '*';
    if (c < '!' || c > '~' || c == '"')
        c = '*';

    std::size_t n = 0;
    out[n++] = c;
    std::memcpy(out + n, "***@", 4);
    n += 4;
    std::memcpy(out + n, parts.domain.data(), parts.domain.size());
    return n + parts.domain.size();
}

bool has_mask_shape(std::string_view display) noexcept
{
    std::string_view local = split_address(display).local;
    return local.size() == 4 && local.substr(1) == "***";
}

} // namespace listguard
