#include "core/access/network.h"

#include <arpa/inet.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace listguard {

namespace {

struct Address {
    int family = 0; // AF_INET or AF_INET6
    std::uint8_t bytes[16] = {};
    bool mapped = false; // written as an IPv4-mapped IPv6 address (kept as AF_INET)
};

bool parse_address(std::string_view text, Address& out)
{
    char buf[64];
    if (text.empty() || text.size() >= sizeof buf)
        return false;
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';
    if (inet_pton(AF_INET, buf, out.bytes) == 1) {
        out.family = AF_INET;
        return true;
    }
    if (inet_pton(AF_INET6, buf, out.bytes) == 1) {
        static const std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::memcmp(out.bytes, kMapped, 12) == 0) {
            std::memmove(out.bytes, out.bytes + 12, 4);
            std::memset(out.bytes + 4, 0, 12);
            out.family = AF_INET;
            out.mapped = true;
        } else {
            out.family = AF_INET6;
        }
        return true;
    }
    return false;
}

bool in_block(const Address& client, std::string_view block)
{
    std::size_t slash = block.find('/');
    Address net;
    if (!parse_address(block.substr(0, slash), net) || net.family != client.family)
        return false;
    // A mapped block is written in IPv6 (PostgreSQL shows a cidr as
    // ::ffff:10.0.0.0/104): its length counts the 96 bits of the mapping,
    // which every IPv4 client shares.
    int max_bits = net.family == AF_INET && !net.mapped ? 32 : 128;
    int bits = max_bits;
    if (slash != std::string_view::npos) {
        std::string digits(block.substr(slash + 1));
        char* end = nullptr;
        long n = std::strtol(digits.c_str(), &end, 10);
        if (digits.empty() || *end != '\0' || n < 0 || n > max_bits)
            return false;
        bits = static_cast<int>(n);
    }
    if (net.mapped)
        bits = bits > 96 ? bits - 96 : 0;
    int full = bits / 8;
    if (std::memcmp(client.bytes, net.bytes, static_cast<std::size_t>(full)) != 0)
        return false;
    int rest = bits % 8;
    if (rest == 0)
        return true;
    std::uint8_t mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (client.bytes[full] & mask) == (net.bytes[full] & mask);
}

} // namespace

bool client_in_networks(std::string_view client, const std::vector<std::string>& networks)
{
    Address address;
    if (!parse_address(client, address))
        return false;
    for (const std::string& block : networks)
        if (in_block(address, block))
            return true;
    return false;
}

} // namespace listguard
