#include <gtest/gtest.h>

#include "core/base/error.h"
#include "core/crypto/base64url.h"
#include "core/crypto/ed25519.h"
#include "test_util.h"

using namespace listguard;

namespace {

Ed25519Key key_of(const std::string& hex)
{
    auto bytes = test::from_hex(hex);
    Ed25519Key key{};
    std::copy(bytes.begin(), bytes.end(), key.begin());
    return key;
}

std::string octets(const std::string& hex)
{
    auto bytes = test::from_hex(hex);
    return std::string(bytes.begin(), bytes.end());
}

// RFC 8037 appendix A: the key of its examples.
const char* kRfc8037Pem = "-----BEGIN PUBLIC KEY-----\n"
                          "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
                          "-----END PUBLIC KEY-----\n";

} // namespace

TEST(Ed25519, Rfc8032TestVector1)
{
    Ed25519Verifier v(key_of("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"));
    std::string signature = octets("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                                   "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
    EXPECT_TRUE(v.verify("", signature));
    EXPECT_FALSE(v.verify("x", signature));
    std::string flipped = signature;
    flipped[10] ^= 1;
    EXPECT_FALSE(v.verify("", flipped));
    EXPECT_FALSE(v.verify("", signature.substr(0, 63)));
    EXPECT_FALSE(v.verify("", signature + "x"));
}

TEST(Ed25519, Rfc8037Jws)
{
    Ed25519Key key = ed25519_key_from_pem(kRfc8037Pem);
    EXPECT_EQ(base64url_encode(key.data(), key.size()), "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo");
    // RFC 8037 A.3: the key's thumbprint.
    EXPECT_EQ(ed25519_thumbprint(key), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    // RFC 8037 A.4: its signature of the example payload.
    Ed25519Verifier v(key);
    std::string signature =
        *base64url_decode("hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg");
    EXPECT_TRUE(v.verify("eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc", signature));
    EXPECT_FALSE(v.verify("eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmd", signature));
}

TEST(Ed25519, PemRoundTrip)
{
    Ed25519Key key = ed25519_key_from_pem(kRfc8037Pem);
    std::string pem = ed25519_pem(key);
    EXPECT_EQ(pem, kRfc8037Pem);
    EXPECT_EQ(ed25519_key_from_pem("some text before\n" + pem), key);
}

TEST(Ed25519, RefusesWhatIsNoEd25519PublicKey)
{
    auto refused = [](const std::string& pem) {
        try {
            (void)ed25519_key_from_pem(pem);
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::InvalidParameter);
            return true;
        }
        return false;
    };
    EXPECT_TRUE(refused(""));
    EXPECT_TRUE(refused("MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="));
    EXPECT_TRUE(refused("-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n"));
    EXPECT_TRUE(refused(std::string(kRfc8037Pem) + kRfc8037Pem));
    // An Ed25519 private key (RFC 8037 A.1's).
    EXPECT_TRUE(refused("-----BEGIN PRIVATE KEY-----\n"
                        "MC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n"
                        "-----END PRIVATE KEY-----\n"));
    // A P-256 key: another algorithm.
    EXPECT_TRUE(refused("-----BEGIN PUBLIC KEY-----\n"
                        "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE9aIKaI2pjSezkItEPwOD8eP4onyq\n"
                        "TEdKOAH7pgh949S7+h733P2RKwqJ4zxmWUnrVe4vZtz7LmiXuHlE+QluDQ==\n"
                        "-----END PUBLIC KEY-----\n"));
    // An X25519 key: the same curve, for key agreement, not signatures.
    EXPECT_TRUE(refused("-----BEGIN PUBLIC KEY-----\n"
                        "MCowBQYDK2VuAyEAL153jS8vkFjnOBgR1PQs4c9FDm6qllGXxM2RbalNUDk=\n"
                        "-----END PUBLIC KEY-----\n"));
}
