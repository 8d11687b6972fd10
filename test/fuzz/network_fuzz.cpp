// Networks (core/access/network.h): client_in_networks on any client and
// blocks. The input is lines: the client, then one block per line (from
// a grant's from_networks, as PostgreSQL writes cidr values).
//
// Invariants: a list matches if and only if one of its blocks does; no
// client address matches without a block; a numeric client matches its own
// address as a block, with and without its full prefix length, and the
// block of everything of its family; a block "address/n" that matches
// also matches with any shorter prefix.
#include <arpa/inet.h>

#include <string>
#include <vector>

#include "core/access/network.h"
#include "fuzz.h"

using namespace listguard;

namespace {

std::vector<std::string> lines_of(std::string_view text)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (true) {
        std::size_t end = text.find('\n', start);
        lines.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
        if (end == std::string_view::npos)
            return lines;
        start = end + 1;
    }
}

// The family of a numeric address as written: 4 or 6, 0 if it is not one.
int family_of(const std::string& text)
{
    unsigned char bytes[16];
    if (text.find('\0') != std::string::npos)
        return 0;
    if (inet_pton(AF_INET, text.c_str(), bytes) == 1)
        return 4;
    if (inet_pton(AF_INET6, text.c_str(), bytes) == 1)
        return 6;
    return 0;
}

bool matches(const std::string& client, const std::string& block)
{
    return client_in_networks(client, std::vector<std::string>{block});
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::vector<std::string> lines = lines_of(fuzz::text_of(data, size));
    std::string client = lines[0];
    std::vector<std::string> blocks(lines.begin() + 1, lines.end());

    bool any = false;
    for (const std::string& block : blocks) {
        bool match = matches(client, block);
        any = any || match;
        std::size_t slash = block.find('/');
        if (!match || slash == std::string::npos || slash + 1 == block.size() || slash + 4 < block.size() ||
            block.find_first_not_of("0123456789", slash + 1) != std::string::npos)
            continue;
        int bits = std::stoi(block.substr(slash + 1));
        for (int shorter : {0, bits / 2, bits - 1})
            if (shorter >= 0)
                FUZZ_CHECK(matches(client, block.substr(0, slash + 1) + std::to_string(shorter)));
    }
    FUZZ_CHECK(client_in_networks(client, blocks) == any);
    FUZZ_CHECK(!client_in_networks(client, {}));

    int family = family_of(client);
    if (family != 0) {
        FUZZ_CHECK(matches(client, client));
        FUZZ_CHECK(matches(client, client + (family == 4 ? "/32" : "/128")));
    }
    if (family == 4)
        FUZZ_CHECK(matches(client, "0.0.0.0/0"));
    return 0;
}
