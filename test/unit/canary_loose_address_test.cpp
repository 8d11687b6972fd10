#include <gtest/gtest.h>

#include "core/canary/loose_address.h"
#include "core/email/address.h"

using listguard::loose_form;
using listguard::parse_address;

namespace {
std::string loose(const std::string& address)
{
    return loose_form(parse_address(address).canonical());
}
} // namespace

TEST(CanaryLooseAddress, TagsAndGmailDotsDoNotMatter)
{
    EXPECT_EQ(loose("jacob7+promo@canaries.example"), loose("jacob7@canaries.example"));
    EXPECT_EQ(loose("Maria.Lopez77@GMAIL.com"), loose("marialopez77@gmail.com"));
    EXPECT_EQ(loose("m.a.r.i.a.lopez77+x@googlemail.com"), loose("maria.lopez77@gmail.com"));
}

TEST(CanaryLooseAddress, OtherwiseTheAddressStays)
{
    EXPECT_NE(loose("maria.lopez@yahoo.com"), loose("marialopez@yahoo.com")) << "dots matter elsewhere";
    EXPECT_NE(loose("jacob7@canaries.example"), loose("jacob8@canaries.example"));
    EXPECT_EQ(loose("+start@example.com"), loose("+start@example.com")) << "a local part that begins with + keeps it";
    EXPECT_EQ(loose_form("\"a+b\"@example.com"), "\"a+b\"@example.com") << "quoted local parts stay";
}

TEST(CanaryLooseAddress, TheAddressInALineOfALeakedFile)
{
    using listguard::address_in_line;
    EXPECT_EQ(address_in_line("jane@example.com"), "jane@example.com");
    EXPECT_EQ(address_in_line("jane@example.com."), "jane@example.com");
    EXPECT_EQ(address_in_line("jane@example.com,"), "jane@example.com");
    EXPECT_EQ(address_in_line("Jane Doe <jane@example.com>"), "jane@example.com");
    EXPECT_EQ(address_in_line("\"Doe, Jane\" <jane@example.com>"), "jane@example.com");
    EXPECT_EQ(address_in_line("17,Jane,jane@example.com,active"), "jane@example.com");
    EXPECT_EQ(address_in_line("17\tjane@example.com\t2024-01-01"), "jane@example.com");
    EXPECT_EQ(address_in_line("\"jane@example.com\";\"active\""), "jane@example.com");
    EXPECT_EQ(address_in_line("mailto:jane@example.com"), "jane@example.com");
    EXPECT_EQ(address_in_line("(jane@example.com)"), "jane@example.com");
    EXPECT_EQ(address_in_line("name,email,status"), "");
    EXPECT_EQ(address_in_line(""), "");
}
