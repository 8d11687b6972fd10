#include <string>

#include <gtest/gtest.h>

#include "core/email/address.h"
#include "test_util.h"

using listguard::parse_address;
using listguard::split_address;
using listguard::test::error_detail;

namespace {

std::string canonical(const std::string& s)
{
    return std::string(parse_address(s).canonical());
}
std::string display(const std::string& s)
{
    return std::string(parse_address(s).display());
}
std::string detail(const std::string& s)
{
    return error_detail([&] { parse_address(s); });
}

} // namespace

TEST(Address, AcceptsCommonAddresses)
{
    EXPECT_EQ(canonical("jane.doe@example.com"), "jane.doe@example.com");
    EXPECT_EQ(canonical("a@b.co"), "a@b.co");
    EXPECT_EQ(canonical("user+tag@sub.example.org"), "user+tag@sub.example.org");
    EXPECT_EQ(canonical("o'brien@example.ie"), "o'brien@example.ie");
    EXPECT_EQ(canonical("!#$%&'*+-/=?^_`{|}~@example.com"), "!#$%&'*+-/=?^_`{|}~@example.com");
    EXPECT_EQ(canonical("user@localhost"), "user@localhost");
    EXPECT_EQ(canonical("x@123.example"), "x@123.example");
    EXPECT_EQ(canonical("x@a-b.example"), "x@a-b.example");
}

TEST(Address, CanonicalFormIsCaseInsensitiveAndDisplayKeepsSpelling)
{
    EXPECT_EQ(canonical("Jane.Doe@Example.COM"), "jane.doe@example.com");
    EXPECT_EQ(display("Jane.Doe@Example.COM"), "Jane.Doe@Example.COM");
    EXPECT_EQ(canonical("JANE.DOE@EXAMPLE.COM"), canonical("jane.doe@example.com"));
}

TEST(Address, TrimsSurroundingBlanksOnly)
{
    EXPECT_EQ(display("  jane@example.com\t"), "jane@example.com");
    EXPECT_EQ(detail("   "), "Address is empty.");
    EXPECT_EQ(detail(""), "Address is empty.");
}

TEST(Address, QuotedLocalParts)
{
    EXPECT_EQ(canonical("\"John Doe\"@example.com"), "\"john doe\"@example.com");
    EXPECT_EQ(canonical("\"a@b\"@example.com"), "\"a@b\"@example.com");
    // A quoted local part that needs no quotes is the same mailbox unquoted.
    EXPECT_EQ(canonical("\"jane.doe\"@example.com"), "jane.doe@example.com");
    EXPECT_EQ(canonical("\"ja\\ne\"@example.com"), "jane@example.com");
    EXPECT_EQ(canonical("\"a\\\"b\"@example.com"), "\"a\\\"b\"@example.com");
    EXPECT_EQ(canonical("\"a..b\"@example.com"), "\"a..b\"@example.com");
    EXPECT_EQ(display("\"John Doe\"@example.com"), "\"John Doe\"@example.com");
    EXPECT_EQ(detail("\"unterminated@example.com"), "Quoted local part is not terminated.");
    EXPECT_EQ(detail("\"ends with backslash\\"), "Quoted local part is not terminated.");
    EXPECT_EQ(detail("\"\"@example.com"), "Local part is empty.");
    EXPECT_EQ(detail("\"a\"b@example.com"), "Quoted local part is followed by something other than @.");
    EXPECT_EQ(detail("\"a\""), "Address has no @.");
    EXPECT_EQ(detail("\"a\x01\"@example.com"), "Local part contains a control character.");
    EXPECT_EQ(detail("\"a\\\x7f\"@example.com"), "Local part contains a control character.");
    EXPECT_EQ(detail("\"caf\xc3\xa9\"@example.com"), "Local part contains a non-ASCII character.");
}

TEST(Address, LocalPartBoundaries)
{
    std::string local64(64, 'a');
    std::string local65(65, 'a');
    EXPECT_NO_THROW(parse_address(local64 + "@example.com"));
    EXPECT_EQ(detail(local65 + "@example.com"), "Local part is longer than 64 octets.");
    // Quotes count: the quoted form as written is what is limited.
    EXPECT_NO_THROW(parse_address("\"" + std::string(62, 'a') + "\"@example.com"));
    EXPECT_EQ(detail("\"" + std::string(63, 'a') + "\"@example.com"), "Local part is longer than 64 octets.");
}

TEST(Address, LocalPartDots)
{
    EXPECT_EQ(detail(".jane@example.com"), "Local part begins with a dot.");
    EXPECT_EQ(detail("jane.@example.com"), "Local part ends with a dot.");
    EXPECT_EQ(detail("ja..ne@example.com"), "Local part contains two dots in a row.");
    EXPECT_EQ(detail("@example.com"), "Local part is empty.");
}

TEST(Address, LocalPartCharacters)
{
    EXPECT_EQ(detail("ja ne@example.com"),
              "Local part contains a space, which is only allowed in a quoted local part.");
    EXPECT_EQ(detail("ja(ne@example.com"),
              "Local part contains a character that is only allowed in a quoted local part.");
    EXPECT_EQ(detail("ja,ne@example.com"),
              "Local part contains a character that is only allowed in a quoted local part.");
    EXPECT_EQ(detail(std::string("ja\0ne@example.com", 17)), "Local part contains a control character.");
    EXPECT_EQ(detail("ja\nne@example.com"), "Local part contains a control character.");
    EXPECT_EQ(detail("ja\x7fne@example.com"), "Local part contains a control character.");
    EXPECT_EQ(detail("j\xc3\xa9@example.com"), "Local part contains a non-ASCII character.");
    EXPECT_EQ(detail("jane.example.com"), "Address has no @.");
}

TEST(Address, DomainStructure)
{
    EXPECT_EQ(detail("jane@"), "Domain is empty.");
    EXPECT_EQ(detail("jane@example.com."), "Domain ends with a dot.");
    EXPECT_EQ(detail("jane@.example.com"), "Domain begins with a dot.");
    EXPECT_EQ(detail("jane@example..com"), "Domain contains an empty label (two dots in a row).");
    EXPECT_EQ(detail("jane@-example.com"), "Domain label begins with a hyphen.");
    EXPECT_EQ(detail("jane@example-.com"), "Domain label ends with a hyphen.");
    EXPECT_EQ(detail("jane@exa_mple.com"), "Domain contains a character other than letters, digits, hyphens and dots.");
    EXPECT_EQ(detail("jane@exa mple.com"), "Domain contains a space.");
    EXPECT_EQ(detail("jane@exa\tmple.com"), "Domain contains a control character.");
    EXPECT_EQ(detail("jane@[192.0.2.1]"), "Domain is an address literal, which is not accepted.");
    EXPECT_EQ(detail("jane@example@com"), "Address contains more than one @ outside quotes.");
}

TEST(Address, DomainLengths)
{
    std::string label63(63, 'a');
    std::string label64(64, 'a');
    EXPECT_NO_THROW(parse_address("j@" + label63 + ".com"));
    EXPECT_EQ(detail("j@" + label64 + ".com"), "Domain label is longer than 63 octets.");

    // 4 labels of 63 + 3 dots = 255 octets: a legal domain, but the address
    // would exceed 254 octets.
    std::string domain255 = label63 + "." + label63 + "." + label63 + "." + label63;
    ASSERT_EQ(domain255.size(), 255u);
    EXPECT_EQ(detail("j@" + domain255), "Address is longer than 254 octets.");
    EXPECT_EQ(detail("j@" + domain255 + "a"), "Domain is longer than 255 octets.");
}

TEST(Address, WholeAddressBoundary)
{
    std::string label63(63, 'a');
    // 64 + 1 + 189 = 254 octets.
    std::string domain189 = label63 + "." + label63 + "." + std::string(61, 'b');
    ASSERT_EQ(domain189.size(), 189u);
    std::string local64(64, 'x');
    EXPECT_NO_THROW(parse_address(local64 + "@" + domain189));
    EXPECT_EQ(detail(local64 + "@" + domain189 + "c"), "Address is longer than 254 octets.");
}

TEST(Address, InternationalizedDomains)
{
    // Unicode domains compare in their lower-case A-label form.
    EXPECT_EQ(canonical("jane@b\xc3\xbc"
                        "cher.example"),
              "jane@xn--bcher-kva.example");
    EXPECT_EQ(canonical("jane@B\xc3\x9c"
                        "CHER.example"),
              "jane@xn--bcher-kva.example");
    EXPECT_EQ(canonical("jane@xn--bcher-kva.example"), "jane@xn--bcher-kva.example");
    EXPECT_EQ(canonical("jane@XN--BCHER-KVA.example"), "jane@xn--bcher-kva.example");
    EXPECT_EQ(display("jane@B\xc3\x9c"
                      "CHER.example"),
              "jane@B\xc3\x9c"
              "CHER.example");
    EXPECT_EQ(canonical("a@\xe4\xbe\x8b\xe5\xad\x90.\xe6\xb5\x8b\xe8\xaf\x95"), "a@xn--fsqu00a.xn--0zwm56d");
}

TEST(Address, RejectsDomainsThatMappingMakesTooLong)
{
    // U+3300 maps to four katakana: twelve per label make a short input and
    // A-label form, but a Unicode form (what pseudonyms show) of 144 octets
    // per label.
    std::string apaato;
    for (int i = 0; i < 12; i++)
        apaato += "\xe3\x8c\x80";
    EXPECT_NO_THROW(parse_address("j@" + apaato + ".example"));
    EXPECT_EQ(detail("j@" + apaato + "." + apaato + ".example"),
              "Domain is longer than 255 octets in its Unicode form.");
}

TEST(Address, RejectsBadInternationalizedDomains)
{
    EXPECT_EQ(detail("jane@b\xc3\xbc"
                     "cher.example\xff"),
              "Domain is not valid UTF-8.");
    EXPECT_EQ(detail("jane@\xc0\xaf.example"), "Domain is not valid UTF-8.");     // overlong
    EXPECT_EQ(detail("jane@\xed\xa0\x80.example"), "Domain is not valid UTF-8."); // surrogate
    EXPECT_EQ(detail("jane@xn--zzzzzzzzz-.example"), "Domain label ends with a hyphen.");
    EXPECT_EQ(detail("jane@xn--a.example"), "Domain has an xn-- label that is not valid Punycode.");
    // An underscore next to a Unicode letter: IDNA (STD3 rules) disallows it.
    EXPECT_EQ(detail("jane@b\xc3\xbc_cher.example"),
              "Domain contains a character that is not allowed in domain names.");
}

TEST(Address, RejectsDomainsThatMappingEndsWithADot)
{
    // UTS #46 maps U+3002 and U+FF0E to "." and drops U+034F: such a
    // domain ended with a dot only once mapped, and its canonical form
    // (x@b.c.) did not parse again (found by test/fuzz/address_fuzz).
    EXPECT_EQ(detail("x@b.c\xe3\x80\x82"), "Domain ends with a dot.");
    EXPECT_EQ(detail("x@b.c\xef\xbc\x8e"), "Domain ends with a dot.");
    EXPECT_EQ(detail("x@b\xe3\x80\x82\xcd\x8f"), "Domain ends with a dot.");
    EXPECT_EQ(detail("#@J.\xcd\x8fn.\xcd\x8f"), "Domain ends with a dot.");
    // Inside a domain they are full stops like any other.
    EXPECT_EQ(canonical("x@b\xe3\x80\x82"
                        "c"),
              "x@b.c");
}

TEST(Address, SplitUsesTheLastAt)
{
    auto parts = split_address("\"a@b\"@example.com");
    EXPECT_EQ(parts.local, "\"a@b\"");
    EXPECT_EQ(parts.domain, "example.com");
}

TEST(Address, SplitWithoutAtGivesAnEmptyDomainThatIsNotNull)
{
    // A corrupted stored value's text may have no "@"; the mask copies the
    // domain with memcpy, which must not get a null pointer (found by
    // test/fuzz/sealed_fuzz under UBSan).
    std::string_view display = "jane";
    auto parts = split_address(display);
    EXPECT_EQ(parts.local, "jane");
    EXPECT_TRUE(parts.domain.empty());
    EXPECT_EQ(parts.domain.data(), display.data() + display.size());
}
