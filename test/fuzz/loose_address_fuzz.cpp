// trace_leak's reading of leaked lines (core/canary/loose_address.h):
// address_in_line on any line, and loose_form of what it finds when that
// parses (as listguard._loose_digest does).
//
// Invariants: what address_in_line returns is a piece of the line; an
// address of the shape canaries have (letters, digits, ".", "_", "-", "+"
// before the "@"), alone on a line or held the ways leaked files hold one
// ("Name <address>", mailto:, quotes, a CSV field), is found as itself, or
// a leaker could hide a canary by the way he writes it; loose_form of a
// loose form changes nothing.
#include <string>

#include "core/canary/loose_address.h"
#include "core/email/address.h"
#include "fuzz.h"

using namespace listguard;

namespace {

bool canary_shaped(std::string_view line)
{
    std::size_t at = line.rfind('@');
    if (at == std::string_view::npos)
        return false;
    for (char c : line.substr(0, at))
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
              c == '-' || c == '+'))
            return false;
    try {
        return parse_address(line).display() == line;
    } catch (const Error&) {
        return false;
    }
}

void check_loose_form(std::string_view found)
{
    std::string loose;
    try {
        loose = loose_form(parse_address(found).canonical());
    } catch (const Error& e) {
        FUZZ_CHECK(e.kind() == ErrorKind::InvalidText);
        return;
    }
    FUZZ_CHECK(loose_form(loose) == loose);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view line = fuzz::text_of(data, size);
    std::string_view found = address_in_line(line);
    FUZZ_CHECK(found.empty() ||
               (found.data() >= line.data() && found.data() + found.size() <= line.data() + line.size()));
    if (!found.empty())
        check_loose_form(found);

    if (canary_shaped(line)) {
        std::string address(line);
        for (const std::string& held :
             {address, "Jane Doe <" + address + ">", "mailto:" + address, "\"" + address + "\"", "'" + address + "'",
              "7,\"Doe, Jane\"," + address + ",x", "(" + address + ").", "x\t" + address + "\ty", "MAILTO:" + address})
            FUZZ_CHECK(address_in_line(held) == address);
    }
    return 0;
}
