// KeyedDigest is HMAC-SHA-256 computed from kept inner and outer states:
// RFC 4231's vectors, and the same output as OpenSSL's EVP_MAC for keys and
// messages of every length around the block boundaries.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "core/crypto/keyed_digest.h"

using namespace listguard;

namespace {

std::string hex(const std::uint8_t* p, std::size_t n)
{
    static const char d[] = "0123456789abcdef";
    std::string s;
    for (std::size_t i = 0; i < n; i++) {
        s += d[p[i] >> 4];
        s += d[p[i] & 15];
    }
    return s;
}

Secret filled(std::size_t size, std::uint8_t byte)
{
    Secret s(size);
    std::memset(s.data(), byte, size);
    return s;
}

std::string evp_hmac(const Secret& key, const std::string& message)
{
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA256"), 0),
                           OSSL_PARAM_construct_end()};
    std::uint8_t out[32];
    std::size_t n = 0;
    EVP_MAC_init(ctx, key.data(), key.size(), params);
    EVP_MAC_update(ctx, reinterpret_cast<const std::uint8_t*>(message.data()), message.size());
    EVP_MAC_final(ctx, out, &n, sizeof out);
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    return hex(out, n);
}

} // namespace

TEST(KeyedDigest, Rfc4231Vectors)
{
    std::uint8_t out[32];
    KeyedDigest case1(filled(20, 0x0b));
    case1.compute("Hi There", out, 32);
    EXPECT_EQ(hex(out, 32), "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");

    const char jefe[] = "Jefe";
    KeyedDigest case2(Secret(reinterpret_cast<const std::uint8_t*>(jefe), 4));
    case2.compute("what do ya want ", "for nothing?", out, 32);
    EXPECT_EQ(hex(out, 32), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");

    // A key longer than a block is hashed first.
    KeyedDigest case6(filled(131, 0xaa));
    case6.compute("Test Using Larger Than Block-Size Key - Hash Key First", out, 32);
    EXPECT_EQ(hex(out, 32), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");

    // Truncated output is the prefix.
    std::uint8_t short_out[16];
    case1.compute("Hi There", short_out, 16);
    EXPECT_EQ(hex(short_out, 16), "b0344c61d8db38535ca8afceaf0bf12b");
}

TEST(KeyedDigest, SameAsEvpMacAcrossLengths)
{
    for (std::size_t key_len : {1u, 32u, 63u, 64u, 65u, 200u}) {
        Secret key(key_len);
        for (std::size_t i = 0; i < key_len; i++)
            key.data()[i] = static_cast<std::uint8_t>(i * 31 + 7);
        KeyedDigest digest(key);
        for (std::size_t len = 0; len < 300; len += (len < 130 ? 1 : 17)) {
            std::string message(len, '\0');
            for (std::size_t i = 0; i < len; i++)
                message[i] = static_cast<char>('a' + (i * 7 + len) % 26);
            std::uint8_t out[32];
            // Split in two parts anywhere: the concatenation is what counts.
            std::size_t cut = len / 3;
            digest.compute(std::string_view(message).substr(0, cut), std::string_view(message).substr(cut), out, 32);
            ASSERT_EQ(hex(out, 32), evp_hmac(key, message)) << "key " << key_len << " message " << len;
        }
    }
}

TEST(KeyedDigest, RefusesOutputLongerThanTheDigest)
{
    KeyedDigest digest(filled(32, 1));
    std::uint8_t out[33];
    EXPECT_ANY_THROW(digest.compute("x", out, 33));
}
