#include <cstring>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "core/crypto/aes_siv.h"
#include "test_util.h"

using listguard::AesSiv;
using listguard::ByteSpan;
using listguard::Secret;
using listguard::test::from_hex;
using listguard::test::secret_from_hex;

namespace {

using Bytes = std::vector<std::uint8_t>;

// OpenSSL's own AES-SIV, keyed afresh: the reference our composition must match.
void openssl_siv(const Secret& key, const std::vector<Bytes>& ad, const Bytes& pt, Bytes& tag, Bytes& ct)
{
    EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, key.size() == 64 ? "AES-256-SIV" : "AES-128-SIV", nullptr);
    ASSERT_NE(cipher, nullptr);
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    ASSERT_EQ(EVP_EncryptInit_ex2(ctx, cipher, key.data(), nullptr, nullptr), 1);
    int len = 0;
    static const std::uint8_t empty[1] = {0};
    for (const auto& a : ad)
        ASSERT_EQ(EVP_EncryptUpdate(ctx, nullptr, &len, a.empty() ? empty : a.data(), static_cast<int>(a.size())), 1);
    // A non-null output buffer even for an empty plaintext (null means AAD).
    ct.assign(pt.size() + 1, 0);
    ASSERT_EQ(EVP_EncryptUpdate(ctx, ct.data(), &len, pt.data(), static_cast<int>(pt.size())), 1);
    ASSERT_EQ(EVP_EncryptFinal_ex(ctx, ct.data() + len, &len), 1);
    ct.resize(pt.size());
    tag.assign(16, 0);
    ASSERT_EQ(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, tag.data()), 1);
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(cipher);
}

std::vector<ByteSpan> spans(const std::vector<Bytes>& ad)
{
    std::vector<ByteSpan> out;
    for (const auto& a : ad)
        out.push_back({a.data(), a.size()});
    return out;
}

} // namespace

// RFC 5297, appendix A.1 (deterministic authenticated encryption).
TEST(AesSiv, Rfc5297A1)
{
    Secret key = secret_from_hex("fffefdfc fbfaf9f8 f7f6f5f4 f3f2f1f0 f0f1f2f3 f4f5f6f7 f8f9fafb fcfdfeff");
    Bytes ad = from_hex("10111213 14151617 18191a1b 1c1d1e1f 20212223 24252627");
    Bytes pt = from_hex("11223344 55667788 99aabbcc ddee");
    AesSiv siv(key);
    ByteSpan span{ad.data(), ad.size()};
    Bytes tag(16), ct(pt.size());
    siv.encrypt(&span, 1, pt.data(), pt.size(), tag.data(), ct.data());
    EXPECT_EQ(tag, from_hex("85632d07 c6e8f37f 950acd32 0a2ecc93"));
    EXPECT_EQ(ct, from_hex("40c02b96 90c4dc04 daef7f6a fe5c"));

    Bytes back(pt.size());
    EXPECT_TRUE(siv.decrypt(&span, 1, tag.data(), ct.data(), ct.size(), back.data()));
    EXPECT_EQ(back, pt);
}

// RFC 5297, appendix A.2 (several associated data strings and a nonce).
TEST(AesSiv, Rfc5297A2)
{
    Secret key = secret_from_hex("7f7e7d7c 7b7a7978 77767574 73727170 40414243 44454647 48494a4b 4c4d4e4f");
    std::vector<Bytes> ad = {
        from_hex("00112233 44556677 8899aabb ccddeeff deaddada deaddada ffeeddcc bbaa9988 77665544 33221100"),
        from_hex("10203040 50607080 90a0"),
        from_hex("09f91102 9d74e35b d84156c5 635688c0"),
    };
    Bytes pt = from_hex("74686973 20697320 736f6d65 20706c61 696e7465 78742074 6f20656e 63727970 74207573 696e6720 "
                        "5349562d 414553");
    AesSiv siv(key);
    auto s = spans(ad);
    Bytes tag(16), ct(pt.size());
    siv.encrypt(s.data(), s.size(), pt.data(), pt.size(), tag.data(), ct.data());
    EXPECT_EQ(tag, from_hex("7bdb6e3b 432667eb 06f4d14b ff2fbd0f"));
    EXPECT_EQ(ct, from_hex("cb900f2f ddbe4043 26601965 c889bf17 dba77ceb 094fa663 b7a3f748 ba8af829 ea64ad54 "
                           "4a272e9c 485b62a3 fd5c0d"));
}

// The reused contexts give exactly what OpenSSL's AES-256-SIV gives, message
// after message, for every plaintext length around the block size.
TEST(AesSiv, MatchesOpenSslAes256SivAcrossReuse)
{
    Secret key(64);
    ASSERT_EQ(RAND_bytes(key.data(), 64), 1);
    AesSiv siv(key);
    // From 1: OpenSSL's SIV cipher cannot take an empty plaintext through
    // EVP_EncryptUpdate; listguard plaintexts are never shorter than 48.
    for (std::size_t len = 1; len <= 70; len++) {
        Bytes pt(len), ad(37);
        RAND_bytes(pt.data(), static_cast<int>(len));
        RAND_bytes(ad.data(), static_cast<int>(ad.size()));
        Bytes ref_tag, ref_ct;
        openssl_siv(key, {ad}, pt, ref_tag, ref_ct);

        ByteSpan span{ad.data(), ad.size()};
        Bytes tag(16), ct(len);
        siv.encrypt(&span, 1, pt.data(), len, tag.data(), ct.data());
        EXPECT_EQ(tag, ref_tag) << "length " << len;
        EXPECT_EQ(ct, ref_ct) << "length " << len;

        Bytes back(len), shown(len);
        EXPECT_TRUE(siv.decrypt(&span, 1, tag.data(), ct.data(), len, back.data()));
        EXPECT_EQ(back, pt);
        siv.decrypt_unauthenticated(tag.data(), ct.data(), len, shown.data());
        EXPECT_EQ(shown, pt);
    }
}

// CMAC's block handling: associated data of every length around the block
// size, including none, and several associated data strings.
TEST(AesSiv, MatchesOpenSslForAssociatedDataLengths)
{
    Secret key(64);
    ASSERT_EQ(RAND_bytes(key.data(), 64), 1);
    AesSiv siv(key);
    for (std::size_t ad_len : {0, 1, 15, 16, 17, 31, 32, 33, 37, 64, 100}) {
        for (std::size_t count : {1, 2, 3}) {
            std::vector<Bytes> ad(count, Bytes(ad_len));
            for (auto& a : ad)
                if (!a.empty())
                    RAND_bytes(a.data(), static_cast<int>(a.size()));
            Bytes pt(48);
            RAND_bytes(pt.data(), 48);
            Bytes ref_tag, ref_ct;
            openssl_siv(key, ad, pt, ref_tag, ref_ct);
            auto s = spans(ad);
            Bytes tag(16), ct(48);
            siv.encrypt(s.data(), s.size(), pt.data(), pt.size(), tag.data(), ct.data());
            EXPECT_EQ(tag, ref_tag) << "ad length " << ad_len << " x" << count;
            EXPECT_EQ(ct, ref_ct) << "ad length " << ad_len << " x" << count;
        }
    }
}

TEST(AesSiv, LongPlaintextsAreRefused)
{
    Secret key(64);
    AesSiv siv(key);
    Bytes pt(AesSiv::kMaxPlaintext + 1), tag(16), ct(pt.size());
    EXPECT_THROW(siv.encrypt(nullptr, 0, pt.data(), pt.size(), tag.data(), ct.data()), listguard::Error);
}

TEST(AesSiv, DetectsAnyChangedBit)
{
    Secret key(64);
    ASSERT_EQ(RAND_bytes(key.data(), 64), 1);
    AesSiv siv(key);
    Bytes ad(20, 0x42), pt(48, 0x61), tag(16), ct(48);
    ByteSpan span{ad.data(), ad.size()};
    siv.encrypt(&span, 1, pt.data(), pt.size(), tag.data(), ct.data());

    Bytes out(48);
    for (std::size_t i = 0; i < ct.size(); i++) {
        Bytes bad = ct;
        bad[i] ^= 0x01;
        EXPECT_FALSE(siv.decrypt(&span, 1, tag.data(), bad.data(), bad.size(), out.data())) << "ciphertext " << i;
        EXPECT_EQ(out, Bytes(48, 0)) << "plaintext must be wiped on failure";
    }
    for (std::size_t i = 0; i < tag.size(); i++) {
        Bytes bad = tag;
        bad[i] ^= 0x80;
        EXPECT_FALSE(siv.decrypt(&span, 1, bad.data(), ct.data(), ct.size(), out.data())) << "tag " << i;
    }
    for (std::size_t i = 0; i < ad.size(); i++) {
        Bytes bad = ad;
        bad[i] ^= 0x10;
        ByteSpan bad_span{bad.data(), bad.size()};
        EXPECT_FALSE(siv.decrypt(&bad_span, 1, tag.data(), ct.data(), ct.size(), out.data())) << "ad " << i;
    }
}

TEST(AesSiv, RejectsWrongKeySize)
{
    Secret key(48);
    EXPECT_THROW(AesSiv siv(key), listguard::Error);
}
