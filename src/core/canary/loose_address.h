// The loose form of an address, for tracing leaks: what a leaker can change
// while mail still reaches the same mailbox. Most providers deliver
// local+anything to local, and Gmail ignores dots in the local part, so a
// leaker who rewrites every address that way would slip past an exact
// match. Used only to find canaries, never for equality.
#pragma once

#include <string>
#include <string_view>

namespace listguard {

// From a canonical address (core/email/address.h): the local part cut at
// its first '+', dots dropped for gmail.com and googlemail.com (which
// becomes gmail.com). A quoted local part is left as it is.
std::string loose_form(std::string_view canonical);

// The address in a line of a leaked file, as such files come: a CSV or
// tab-separated row, "Name <address>", mailto:, quotes, brackets or
// punctuation around it. The first field holding an '@', trimmed; "" if
// none.
std::string_view address_in_line(std::string_view line);

} // namespace listguard
