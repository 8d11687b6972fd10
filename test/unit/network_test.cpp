#include <gtest/gtest.h>

#include "core/access/network.h"

using listguard::client_in_networks;

TEST(Network, Ipv4Blocks)
{
    EXPECT_TRUE(client_in_networks("127.0.0.1", {"127.0.0.1/32"}));
    EXPECT_FALSE(client_in_networks("127.0.0.2", {"127.0.0.1/32"}));
    EXPECT_TRUE(client_in_networks("10.1.2.3", {"10.0.0.0/8"}));
    EXPECT_TRUE(client_in_networks("192.168.7.200", {"192.168.7.128/25"}));
    EXPECT_FALSE(client_in_networks("192.168.7.100", {"192.168.7.128/25"}));
    EXPECT_TRUE(client_in_networks("203.0.113.9", {"0.0.0.0/0"}));
    EXPECT_TRUE(client_in_networks("127.0.0.1", {"10.0.0.0/8", "127.0.0.0/8"}));
}

TEST(Network, Ipv6AndMappedAddresses)
{
    EXPECT_TRUE(client_in_networks("::1", {"::1/128"}));
    EXPECT_FALSE(client_in_networks("::1", {"127.0.0.1/32"}));
    EXPECT_TRUE(client_in_networks("2001:db8::5", {"2001:db8::/32"}));
    EXPECT_TRUE(client_in_networks("::ffff:127.0.0.1", {"127.0.0.1/32"}));
}

TEST(Network, UnixSocketsAndGarbageMatchNothing)
{
    EXPECT_FALSE(client_in_networks("", {"0.0.0.0/0", "::/0"}));
    EXPECT_FALSE(client_in_networks("[local]", {"0.0.0.0/0"}));
    EXPECT_FALSE(client_in_networks("127.0.0.1", {"not-a-network"}));
    EXPECT_FALSE(client_in_networks("127.0.0.1", {"127.0.0.1/33"}));
    EXPECT_FALSE(client_in_networks("127.0.0.1", {}));
}

TEST(Network, MappedBlocksCountTheirPrefixInIpv6Bits)
{
    // PostgreSQL writes a cidr in IPv6 form as ::ffff:10.0.0.0/104: its
    // prefix length counts the 96 bits of the mapping. Read as an IPv4
    // block of 104 bits it matched nothing (found by test/fuzz/network_fuzz).
    EXPECT_TRUE(client_in_networks("10.1.2.3", {"::ffff:10.0.0.0/104"}));
    EXPECT_TRUE(client_in_networks("::ffff:10.1.2.3", {"::ffff:10.0.0.0/104"}));
    EXPECT_FALSE(client_in_networks("11.1.2.3", {"::ffff:10.0.0.0/104"}));
    EXPECT_TRUE(client_in_networks("::ffff:10.1.2.3", {"::ffff:10.1.2.3/128"}));
    EXPECT_FALSE(client_in_networks("10.1.2.4", {"::ffff:10.1.2.3/128"}));
    EXPECT_TRUE(client_in_networks("10.1.2.4", {"::ffff:0.0.0.0/96"}));
    EXPECT_FALSE(client_in_networks("10.1.2.3", {"::ffff:10.0.0.0/129"}));
    // Without a length, a block is one address, as before.
    EXPECT_TRUE(client_in_networks("10.1.2.3", {"::ffff:10.1.2.3"}));
    EXPECT_FALSE(client_in_networks("10.1.2.4", {"::ffff:10.1.2.3"}));
}
