// Client addresses against from_networks (CIDR blocks).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace listguard {

// client is the numeric address of a TCP client ("127.0.0.1", "::1"), or
// empty for a Unix-socket connection, which is outside every network.
// IPv4 clients seen as IPv4-mapped IPv6 addresses match IPv4 blocks, and
// IPv4-mapped blocks (::ffff:10.0.0.0/104, its length in IPv6 bits) match
// IPv4 clients. A malformed block matches nothing.
bool client_in_networks(std::string_view client, const std::vector<std::string>& networks);

} // namespace listguard
