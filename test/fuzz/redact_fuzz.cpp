// Log redaction (core/email/redact.h): redact_addresses on any text, as the
// server log hook and audit row keys give it.
//
// Invariants: the documented capacity is enough (a larger buffer gives the
// same output, so nothing was cut); text without an address-like token
// (has_address false, as the hook checks first) comes out unchanged; a
// text that is one address the type accepts comes out as its domain behind
// a mask, showing at most the first character of the local part (after any
// apostrophes, which open SQL literals); and an address planted in any text
// (the input split at \x01 into text before, address, text after) never
// comes out whole (but where a mask's first character completes it).
//
// Redacting twice may mask more ($$"jane doe"@x becomes $$j***@x, then
// $***@x): masks are address-like themselves, and that is no leak.
#include <algorithm>
#include <string>
#include <vector>

#include "core/email/address.h"
#include "core/email/redact.h"
#include "fuzz.h"

using namespace listguard;

namespace {

std::string redacted(std::string_view text)
{
    std::size_t capacity = redacted_capacity(text.size());
    std::vector<char> out(capacity);
    std::string result(out.data(), redact_addresses(text, out.data(), capacity));
    std::vector<char> roomy(4 * text.size() + 64);
    FUZZ_CHECK(std::string_view(roomy.data(), redact_addresses(text, roomy.data(), roomy.size())) == result);
    return result;
}

void check_single_address(std::string_view text, const std::string& out)
{
    try {
        if (parse_address(text).display() != text)
            return;
    } catch (const Error&) {
        return;
    }
    AddressParts parts = split_address(text);
    std::string tail = "***@" + std::string(parts.domain);
    FUZZ_CHECK(out.size() > tail.size() && out.compare(out.size() - tail.size(), tail.size(), tail) == 0);
    std::string_view shown = std::string_view(out).substr(0, out.size() - tail.size());
    std::size_t apostrophes = std::min(shown.find_first_not_of('\''), shown.size());
    FUZZ_CHECK(!shown.empty() && shown.size() <= apostrophes + 1);
}

// A local part the mask cannot reproduce: no quotes, no "*".
bool plain_local(std::string_view address)
{
    try {
        if (parse_address(address).display() != address)
            return false;
    } catch (const Error&) {
        return false;
    }
    std::string_view local = split_address(address).local;
    return local.find_first_of("\"*") == std::string_view::npos;
}

void check_planted(std::string_view text)
{
    std::size_t first = text.find('\x01');
    std::size_t second = first == std::string_view::npos ? first : text.find('\x01', first + 1);
    if (second == std::string_view::npos)
        return;
    std::string_view address = text.substr(first + 1, second - first - 1);
    if (!plain_local(address))
        return;
    std::string planted =
        std::string(text.substr(0, first)) + std::string(address) + std::string(text.substr(second + 1));
    // Checked whole: its local part alone may remain before an "@" that
    // starts no address, and a mask may follow it. So jane@x may appear
    // where jane@ was followed by a quoted "xy"@z, masked to x***@z, but
    // never followed by anything else.
    std::string out = redacted(planted);
    for (std::size_t p = out.find(address); p != std::string::npos; p = out.find(address, p + 1))
        FUZZ_CHECK(out.compare(p + address.size(), 3, "***") == 0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view text = fuzz::text_of(data, size);
    std::string out = redacted(text);
    if (!has_address(text))
        FUZZ_CHECK(out == text);
    check_single_address(text, out);
    check_planted(text);
    return 0;
}
