#include <gtest/gtest.h>

#include "core/crypto/hkdf.h"
#include "test_util.h"

using listguard::derive_key;
using listguard::hkdf_sha256;
using listguard::Secret;
using listguard::test::fixed_server_key;
using listguard::test::from_hex;
using listguard::test::secret_from_hex;

// RFC 5869, test case 1.
TEST(Hkdf, Rfc5869Case1)
{
    Secret ikm = secret_from_hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    auto salt = from_hex("000102030405060708090a0b0c");
    auto info = from_hex("f0f1f2f3f4f5f6f7f8f9");
    Secret okm = hkdf_sha256(ikm, std::string(salt.begin(), salt.end()), std::string(info.begin(), info.end()), 42);
    EXPECT_TRUE(
        okm == secret_from_hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"));
}

// RFC 5869, test case 3 (no salt, no info).
TEST(Hkdf, Rfc5869Case3)
{
    Secret ikm = secret_from_hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    Secret okm = hkdf_sha256(ikm, "", "", 42);
    EXPECT_TRUE(
        okm == secret_from_hex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"));
}

TEST(Hkdf, PurposesGetUnrelatedKeys)
{
    Secret server = fixed_server_key();
    Secret seal = derive_key(server, "listguard email seal v1", 32);
    Secret digest = derive_key(server, "listguard email digest v1", 32);
    EXPECT_TRUE(seal != digest);
    EXPECT_TRUE(seal == derive_key(server, "listguard email seal v1", 32)) << "derivation is deterministic";
    EXPECT_TRUE(seal != derive_key(fixed_server_key(8), "listguard email seal v1", 32)) << "depends on the server key";
    EXPECT_TRUE(seal != server);
}
