#include <string>

#include <gtest/gtest.h>

#include "core/email/redact.h"

using namespace listguard;

namespace {

std::string redact(const std::string& text)
{
    std::string out(redacted_capacity(text.size()), '\0');
    out.resize(redact_addresses(text, out.data(), out.size()));
    return out;
}

} // namespace

TEST(Redact, MasksAddressesWhereLogLinesHoldThem)
{
    EXPECT_EQ(redact("Key (account_id, email)=(1, jane.doe@example.com) already exists."),
              "Key (account_id, email)=(1, j***@example.com) already exists.");
    EXPECT_EQ(redact("invalid input syntax for type integer: \"jane.doe@example.com\""),
              "invalid input syntax for type integer: \"j***@example.com\"");
    EXPECT_EQ(redact("INSERT INTO s VALUES (1, 'Jane.Doe+news@Mail.Example.COM');"),
              "INSERT INTO s VALUES (1, 'J***@Mail.Example.COM');");
    EXPECT_EQ(redact("Filter: (email = 'jane@example.com'::listguard.email)"),
              "Filter: (email = 'j***@example.com'::listguard.email)");
    EXPECT_EQ(redact("{\"to\": \"a@b.example\", \"cc\": \"c.d@e.example\"}"),
              "{\"to\": \"a***@b.example\", \"cc\": \"c***@e.example\"}");
    EXPECT_EQ(redact("Mail jane@example.com."), "Mail j***@example.com.");
    EXPECT_EQ(redact("\"john doe\"@example.com"), "j***@example.com");
    EXPECT_EQ(redact("x@bücher.example"), "x***@bücher.example");
}

TEST(Redact, LeavesTextWithoutAddressesAlone)
{
    for (const char* text : {"", "no address here", "user@localhost", "@example.com", "a@", "a@.com",
                             "SELECT 1", "ERROR:  relation \"t@x\" does not exist"}) {
        EXPECT_EQ(redact(text), text);
        EXPECT_FALSE(has_address(text)) << text;
    }
}

TEST(Redact, FindsEveryAddress)
{
    std::string many;
    for (int i = 0; i < 100; i++)
        many += "user" + std::to_string(i) + "@example.com, ";
    std::string out = redact(many);
    EXPECT_EQ(out.find("user"), std::string::npos);
    EXPECT_TRUE(has_address(many));
    EXPECT_FALSE(has_address(out.substr(0, 0)));
}

TEST(Redact, NeverWritesPastTheBuffer)
{
    std::string text = "a@b.cc a@b.cc a@b.cc";
    std::string out(redacted_capacity(text.size()), 'X');
    std::size_t n = redact_addresses(text, out.data(), out.size());
    EXPECT_LE(n, out.size());
    char tiny[5];
    EXPECT_EQ(redact_addresses(text, tiny, sizeof tiny), sizeof tiny);
}
