#include <gtest/gtest.h>

#include "core/crypto/base64url.h"

using listguard::base64url_decode;
using listguard::base64url_encode;

TEST(Base64url, Rfc4648Vectors)
{
    // RFC 4648 section 10, without padding, in the URL-safe alphabet.
    const char* plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    const char* encoded[] = {"", "Zg", "Zm8", "Zm9v", "Zm9vYg", "Zm9vYmE", "Zm9vYmFy"};
    for (int i = 0; i < 7; i++) {
        EXPECT_EQ(base64url_encode(plain[i]), encoded[i]);
        auto decoded = base64url_decode(encoded[i]);
        ASSERT_TRUE(decoded.has_value()) << encoded[i];
        EXPECT_EQ(*decoded, plain[i]);
    }
}

TEST(Base64url, UrlSafeAlphabet)
{
    std::string octets = "\xfb\xff\xbf";
    EXPECT_EQ(base64url_encode(octets), "-_-_");
    EXPECT_EQ(*base64url_decode("-_-_"), octets);
    EXPECT_FALSE(base64url_decode("+/+/").has_value()); // base64's, not base64url's
}

TEST(Base64url, RefusesWhatNoEncodingWrites)
{
    EXPECT_FALSE(base64url_decode("Zg==").has_value()); // padding
    EXPECT_FALSE(base64url_decode("Zm9v YmFy").has_value());
    EXPECT_FALSE(base64url_decode("Zm9vY").has_value()); // 4n + 1 characters
    EXPECT_FALSE(base64url_decode("Zh").has_value());    // stray bits after "f"
    EXPECT_FALSE(base64url_decode("Zm9").has_value());   // "fo" is Zm8
    EXPECT_FALSE(base64url_decode("Zm-").has_value());   // stray bits after "fo"
    EXPECT_FALSE(base64url_decode(std::string("Zm\0v", 4)).has_value());
    EXPECT_FALSE(base64url_decode("Zm9v\n").has_value());
}

TEST(Base64url, RoundTripsEveryLength)
{
    std::string octets;
    for (int n = 0; n < 200; n++) {
        std::string text = base64url_encode(octets);
        auto back = base64url_decode(text);
        ASSERT_TRUE(back.has_value());
        EXPECT_EQ(*back, octets);
        octets.push_back(static_cast<char>(n * 37 + 11));
    }
}
