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
