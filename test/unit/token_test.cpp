#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/email/address.h"
#include "core/email/sealed_email.h"
#include "test_util.h"
#include "core/email/token.h"

using namespace listguard;
using listguard::test::error_detail;
using listguard::test::fixed_server_key;

namespace {
std::string token_of(EmailSealer& s, const std::string& address, Stamp stamp = {})
{
    std::uint8_t value[sealed::kMaxSize];
    std::size_t n = s.seal(parse_address(address), stamp, value);
    char out[kMaxTokenOctets];
    return std::string(out, encode_token(value, n, out));
}
} // namespace

TEST(Token, RoundTrip)
{
    EmailSealer s(fixed_server_key());
    std::string token = token_of(s, "Jane@example.com", {3, 4});
    EXPECT_TRUE(looks_like_token(token));
    EXPECT_EQ(token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 4),
              std::string::npos)
        << token;

    std::uint8_t value[sealed::kMaxSize];
    std::size_t n = decode_token(token, value);
    char addr[kMaxAddressOctets];
    EXPECT_EQ(std::string(addr, s.open(value, n, addr)), "Jane@example.com");
    EXPECT_EQ(sealed::stamp_of(value), (Stamp{3, 4}));
}

TEST(Token, LongestAddressFits)
{
    EmailSealer s(fixed_server_key());
    std::string longest =
        std::string(64, 'a') + "@" + std::string(63, 'b') + "." + std::string(63, 'c') + "." + std::string(61, 'd');
    ASSERT_EQ(longest.size(), 254u);
    std::string token = token_of(s, longest);
    EXPECT_LE(token.size(), kMaxTokenOctets);
    std::uint8_t value[sealed::kMaxSize];
    std::size_t n = decode_token(token, value);
    char addr[kMaxAddressOctets];
    EXPECT_EQ(std::string(addr, s.open(value, n, addr)), longest);
}

TEST(Token, MalformedTokensAreRejected)
{
    std::uint8_t value[sealed::kMaxSize];
    EXPECT_EQ(error_detail([&] { decode_token("lg1:abc$def", value); }),
              "It contains a character outside URL-safe base64.");
    EXPECT_EQ(error_detail([&] { decode_token("lg1:abcde", value); }), "Its length is wrong.");
    EXPECT_EQ(error_detail([&] { decode_token("lg1:" + std::string(600, 'A'), value); }), "Its length is wrong.");
    EXPECT_EQ(error_detail([&] { decode_token("lg1:abc=", value); }),
              "It contains a character outside URL-safe base64.");
}

TEST(Token, ChangedCharacterFailsAuthentication)
{
    EmailSealer s(fixed_server_key());
    std::string token = token_of(s, "jane@example.com");
    for (std::size_t i = 4; i < token.size(); i++) {
        std::string bad = token;
        bad[i] = bad[i] == 'A' ? 'B' : 'A';
        std::uint8_t value[sealed::kMaxSize];
        char addr[kMaxAddressOctets];
        EXPECT_NE(error_detail([&] {
                      std::size_t n = decode_token(bad, value);
                      s.open(value, n, addr);
                  }),
                  "no error")
            << "position " << i;
    }
}
