#include <string>

#include <gtest/gtest.h>

#include "core/email/address.h"
#include "core/email/input.h"
#include "core/email/pseudonym.h"
#include "core/email/sealed_email.h"
#include "test_util.h"

using namespace listguard;
using listguard::test::error_detail;
using listguard::test::fixed_server_key;

namespace {

std::string pseudo(Pseudonymizer& p, EmailSealer& s, std::int64_t account, const std::string& address)
{
    std::uint8_t digest[sealed::kDigestSize];
    s.digest(parse_address(address).canonical(), digest);
    char out[kMaxPseudonymOctets];
    return std::string(out, p.pseudonym(account, digest, sizeof digest, address, out));
}

} // namespace

TEST(Pseudonym, StableWithinAnAccountAcrossSpellings)
{
    EmailSealer s(fixed_server_key());
    Pseudonymizer p(fixed_server_key());
    std::string a = pseudo(p, s, 7, "Jane.Doe@Example.com");
    EXPECT_EQ(a, pseudo(p, s, 7, "jane.doe@EXAMPLE.COM"));
    EXPECT_EQ(a.size(), 2 + kPseudonymChars + 1 + std::string("example.com").size());
    EXPECT_EQ(a.substr(0, 2), "p.");
    EXPECT_EQ(a.substr(a.find('@')), "@example.com");
    Pseudonymizer again(fixed_server_key());
    EXPECT_EQ(a, pseudo(again, s, 7, "jane.doe@example.com")) << "stable across backends";
}

TEST(Pseudonym, UnrelatedAcrossAccountsAndAddresses)
{
    EmailSealer s(fixed_server_key());
    Pseudonymizer p(fixed_server_key());
    std::string a7 = pseudo(p, s, 7, "jane.doe@example.com");
    EXPECT_NE(a7, pseudo(p, s, 8, "jane.doe@example.com"));
    EXPECT_NE(a7, pseudo(p, s, 7, "john.doe@example.com"));
    Pseudonymizer other(fixed_server_key(42));
    EXPECT_NE(a7, pseudo(other, s, 7, "jane.doe@example.com")) << "depends on the server key";
}

TEST(Pseudonym, InternationalDomainInLowerCaseUnicode)
{
    EmailSealer s(fixed_server_key());
    Pseudonymizer p(fixed_server_key());
    std::string a = pseudo(p, s, 1,
                           "kai@B\xc3\x9c"
                           "CHER.example");
    EXPECT_EQ(a.substr(a.find('@')), "@b\xc3\xbc"
                                     "cher.example");
}

TEST(Pseudonym, PseudonymsAreNotAcceptedAsAddresses)
{
    EmailSealer s(fixed_server_key());
    Pseudonymizer p(fixed_server_key());
    std::string a = pseudo(p, s, 1, "jane@example.com");
    EXPECT_TRUE(has_pseudonym_shape(a));
    EXPECT_FALSE(has_pseudonym_shape("p.jane@example.com"));
    std::uint8_t v[sealed::kMaxSize];
    EXPECT_EQ(error_detail([&] { seal_input(s, a, 0, v); }),
              "It has the shape of a listguard pseudonym (p. and 12 letters or digits), not of an address.");
}
