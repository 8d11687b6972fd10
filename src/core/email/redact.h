// Redacting addresses from free text (server log lines, audit details): each
// address-like token becomes its mask (first character, "***", "@", the
// domain), so a line keeps its shape but holds no address.
//
// Looser than the parser on purpose: a log line holds addresses inside
// quotes, parentheses, JSON and SQL literals, next to other words. A false
// positive costs a masked word; a false negative, an address in the log.
// What it cannot see: addresses encoded (percent- or base64-encoded, hex,
// split over several values) or without their domain.
#pragma once

#include <cstddef>
#include <string_view>

namespace listguard {

// The most room redaction can need for text of this length (a mask can be
// longer than a short local part).
constexpr std::size_t redacted_capacity(std::size_t length) noexcept
{
    return 2 * length + 8;
}

// True if text has an address-like token (cheap: most text has no "@").
bool has_address(std::string_view text) noexcept;

// Writes text with every address-like token masked into out, which holds at
// least redacted_capacity(text.size()) octets; returns the length written.
std::size_t redact_addresses(std::string_view text, char* out, std::size_t capacity) noexcept;

} // namespace listguard
