#include <cctype>
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
    for (const char* text : {"", "no address here", "@example.com", "a@", "a@.com", "a@-x", "\"\"@x.com", "SELECT 1",
                             "ERROR:  relation \"t @ x\" does not exist"}) {
        EXPECT_EQ(redact(text), text);
        EXPECT_FALSE(has_address(text)) << text;
    }
}

TEST(Redact, DotlessDomainsAreMaskedToo)
{
    // The type accepts them, so a log line may hold them.
    EXPECT_EQ(redact("invalid input syntax for type integer: \"ceo@intranet\""),
              "invalid input syntax for type integer: \"c***@intranet\"");
    EXPECT_EQ(redact("SELECT 'boss@mailhost'::listguard.email"), "SELECT 'b***@mailhost'::listguard.email");
}

TEST(Redact, QuotedLocalPartsWithEscapesAndAtSigns)
{
    EXPECT_EQ(redact("\"secret\\\"x\"@example.com"), "s***@example.com");
    EXPECT_EQ(redact("\"x@y.z\"@example.com"), "x***@example.com");
    // A quoted address inside a quoted message, then more addresses: every
    // one is masked, nothing before a masked token is repeated.
    EXPECT_EQ(redact("syntax: \"\"x@y.z\"@example.com, jane.doe@example.com, john.smith@example.org\""),
              "syntax: \"x***@example.com, j***@example.com, j***@example.org\"");
    EXPECT_EQ(redact("\"\\\"lead\"@example.com"), "****@example.com");
    // A chain of @: every part that could be a local part is hidden.
    EXPECT_EQ(redact("a@b@c.example"), "a***@c.example");
}

TEST(Redact, ALocalPartOfApostrophesIsMaskedToo)
{
    // Apostrophes before a local part open SQL literals and are kept; when
    // there is nothing else, the last one is the local part ('@x.com is an
    // address the type accepts), and the address was left in clear (found
    // by test/fuzz/redact_fuzz).
    EXPECT_EQ(redact("'@example.com"), "'***@example.com");
    EXPECT_EQ(redact("x = ''''@example.com'"), "x = ''''***@example.com'");
    EXPECT_EQ(redact("'jane@example.com'"), "'j***@example.com'");
}

TEST(Redact, OutputNeverHoldsALocalPart)
{
    // Every token shape the type accepts, repeated and mixed with quotes.
    const char* pieces[] = {"\"", "\\", "@", "a", "secret", ".", "example.com", " ", "'", "x@y.z"};
    std::string text;
    unsigned seed = 7;
    for (int i = 0; i < 2000; i++) {
        seed = seed * 1103515245 + 12345;
        text += pieces[(seed >> 16) % 10];
    }
    std::string out = redact(text);
    EXPECT_LE(out.size(), redacted_capacity(text.size()));
    // "secret" right before "@" and a domain would be a local part shown.
    for (std::size_t p = out.find("secret@"); p != std::string::npos; p = out.find("secret@", p + 1)) {
        char next = p + 7 < out.size() ? out[p + 7] : ' ';
        EXPECT_FALSE(std::isalnum(static_cast<unsigned char>(next))) << out.substr(p, 20);
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
