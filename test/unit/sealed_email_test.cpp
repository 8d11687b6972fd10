#include <algorithm>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/crypto/aes_siv.h"
#include "core/crypto/hkdf.h"
#include "core/email/address.h"
#include "core/email/sealed_email.h"
#include "test_util.h"
#include "core/email/token.h"

using listguard::EmailSealer;
using listguard::ErrorKind;
using listguard::parse_address;
using listguard::Stamp;
using listguard::test::error_detail;
using listguard::test::fixed_server_key;
namespace sealed = listguard::sealed;

namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes seal(EmailSealer& s, const std::string& address, Stamp stamp = {})
{
    Bytes out(sealed::kMaxSize);
    out.resize(s.seal(parse_address(address), stamp, out.data()));
    return out;
}

std::string show(EmailSealer& s, const Bytes& v)
{
    char buf[listguard::kMaxAddressOctets];
    return std::string(buf, s.show(v.data(), v.size(), buf));
}

std::string open(EmailSealer& s, const Bytes& v)
{
    char buf[listguard::kMaxAddressOctets];
    return std::string(buf, s.open(v.data(), v.size(), buf));
}

} // namespace

TEST(SealedEmail, RoundTripKeepsTheSpelling)
{
    EmailSealer s(fixed_server_key());
    Bytes v = seal(s, "Jane.Doe@Example.com");
    EXPECT_EQ(show(s, v), "Jane.Doe@Example.com");
    EXPECT_EQ(open(s, v), "Jane.Doe@Example.com");
}

TEST(SealedEmail, StoredFormHidesTheAddress)
{
    EmailSealer s(fixed_server_key());
    Bytes v = seal(s, "jane.doe@example.com");
    std::string raw(v.begin(), v.end());
    EXPECT_EQ(raw.find("jane"), std::string::npos);
    EXPECT_EQ(raw.find("example"), std::string::npos);
}

TEST(SealedEmail, SizeIsPaddedToBuckets)
{
    EmailSealer s(fixed_server_key());
    EXPECT_EQ(seal(s, "a@b.co").size(), sealed::kHeaderSize + 48);
    EXPECT_EQ(seal(s, std::string(40, 'a') + "@b.co").size(), sealed::kHeaderSize + 48);
    // 46 octets fill 48 with the length octet and the canary mark's room.
    EXPECT_EQ(seal(s, std::string(41, 'a') + "@b.co").size(), sealed::kHeaderSize + 48);
    EXPECT_EQ(seal(s, std::string(42, 'a') + "@b.co").size(), sealed::kHeaderSize + 96);
    EXPECT_EQ(seal(s, std::string(64, 'a') + "@" + std::string(63, 'b') + "." + std::string(20, 'c')).size(),
              sealed::kHeaderSize + 256);
}

TEST(SealedEmail, DigestIsStableAndCaseInsensitive)
{
    EmailSealer s(fixed_server_key());
    Bytes a = seal(s, "Jane.Doe@Example.com", {1, 2});
    Bytes b = seal(s, "jane.doe@EXAMPLE.COM", {3, 4});
    Bytes c = seal(s, "john.doe@example.com", {1, 2});
    EXPECT_EQ(0, std::memcmp(sealed::digest_of(a.data()), sealed::digest_of(b.data()), sealed::kDigestSize));
    EXPECT_NE(0, std::memcmp(sealed::digest_of(a.data()), sealed::digest_of(c.data()), sealed::kDigestSize));

    // Same server key, new process: same digest (indexes stay valid).
    EmailSealer again(fixed_server_key());
    Bytes a2 = seal(again, "jane.doe@example.com");
    EXPECT_EQ(0, std::memcmp(sealed::digest_of(a.data()), sealed::digest_of(a2.data()), sealed::kDigestSize));

    // Another server key: unrelated digest.
    EmailSealer other(fixed_server_key(99));
    Bytes a3 = seal(other, "jane.doe@example.com");
    EXPECT_NE(0, std::memcmp(sealed::digest_of(a.data()), sealed::digest_of(a3.data()), sealed::kDigestSize));
}

TEST(SealedEmail, DigestsDoNotFollowAddressOrder)
{
    EmailSealer s(fixed_server_key());
    // If digest order followed address order, sorted addresses would give
    // sorted digests; over 200 addresses that is astronomically unlikely by chance.
    std::vector<Bytes> digests;
    for (int i = 0; i < 200; i++) {
        char addr[32];
        std::snprintf(addr, sizeof addr, "user%03d@example.com", i);
        Bytes v = seal(s, addr);
        digests.emplace_back(sealed::digest_of(v.data()), sealed::digest_of(v.data()) + sealed::kDigestSize);
    }
    int ascending = 0;
    for (std::size_t i = 1; i < digests.size(); i++)
        ascending += digests[i - 1] < digests[i];
    EXPECT_GT(ascending, 60);
    EXPECT_LT(ascending, 140);
}

TEST(SealedEmail, StampIsReadableAndAuthenticated)
{
    EmailSealer s(fixed_server_key());
    Bytes v = seal(s, "jane@example.com", {42, 7});
    EXPECT_EQ(sealed::stamp_of(v.data()), (Stamp{42, 7}));

    Bytes forged = v;
    forged[sealed::kAccountOffset + 7] ^= 0x01; // account 42 -> 43
    EXPECT_EQ(error_detail([&] { open(s, forged); }),
              "It failed authentication: it was altered or is not a listguard token.");
}

TEST(SealedEmail, EveryChangedOctetIsDetected)
{
    EmailSealer s(fixed_server_key());
    Bytes v = seal(s, "jane@example.com", {1, 1});
    for (std::size_t i = 0; i < v.size(); i++) {
        Bytes bad = v;
        bad[i] ^= 0x04;
        EXPECT_NE(error_detail([&] { open(s, bad); }), "no error") << "octet " << i;
    }
    Bytes truncated(v.begin(), v.end() - 1);
    EXPECT_EQ(error_detail([&] { open(s, truncated); }), "Its length or format version is wrong.");
}

TEST(SealedEmail, RestampKeepsAddressAndDigest)
{
    EmailSealer s(fixed_server_key());
    Bytes v = seal(s, "Jane@example.com");
    Bytes out(sealed::kMaxSize);
    out.resize(s.restamp(v.data(), v.size(), {5, 6}, out.data()));
    EXPECT_EQ(sealed::stamp_of(out.data()), (Stamp{5, 6}));
    EXPECT_EQ(open(s, out), "Jane@example.com");
    EXPECT_EQ(0, std::memcmp(sealed::digest_of(v.data()), sealed::digest_of(out.data()), sealed::kDigestSize));
}

TEST(SealedEmail, OtherServerKeyIsRefused)
{
    EmailSealer s(fixed_server_key());
    EmailSealer other(fixed_server_key(99));
    Bytes v = seal(s, "jane@example.com");
    std::string detail = "Its key id is " + seal_key_id(fixed_server_key()).hex() + ".";
    EXPECT_EQ(error_detail([&] { open(other, v); }, ErrorKind::ConfigFile), detail);
    EXPECT_EQ(error_detail([&] { show(other, v); }, ErrorKind::ConfigFile), detail);
}

TEST(SealedEmail, CorruptLayoutIsReportedNotShown)
{
    EmailSealer s(fixed_server_key());
    Bytes v = seal(s, "jane@example.com");
    Bytes bad_version = v;
    bad_version[0] = 9;
    EXPECT_NE(error_detail([&] { show(s, bad_version); }, ErrorKind::DataCorrupted), "no error");
    Bytes short_value(v.begin(), v.begin() + 60);
    EXPECT_NE(error_detail([&] { show(s, short_value); }, ErrorKind::DataCorrupted), "no error");
}

TEST(SealedEmail, DecryptedLengthBeyondAnAddressIsCorruption)
{
    // Stored values are decrypted without authentication (CTR), so a
    // changed first ciphertext octet changes the length octet: 255 fitted
    // the 256-octet bucket but not the kMaxAddressOctets (254) that show()
    // writes into (found by test/fuzz/sealed_fuzz under ASan).
    EmailSealer s(fixed_server_key());
    std::string address = std::string(64, 'a') + "@" + std::string(60, 'b') + ".example";
    Bytes v = seal(s, address);
    ASSERT_EQ(v.size(), sealed::kHeaderSize + 256);
    v[sealed::kHeaderSize] ^= static_cast<std::uint8_t>(address.size() ^ 255);
    EXPECT_EQ(error_detail([&] { show(s, v); }, ErrorKind::DataCorrupted), "Its decrypted length is out of range.");
    // Rewriting it (restamp, reseal, canary mark) is refused the same way,
    // not as an address too long to seal.
    Bytes out(sealed::kMaxSize);
    EXPECT_EQ(error_detail(
                  [&] {
                      s.restamp(v.data(), v.size(), Stamp{1, 2}, out.data());
                  },
                  ErrorKind::DataCorrupted),
              "Its decrypted length is out of range.");
    v[sealed::kHeaderSize] ^= static_cast<std::uint8_t>(255 ^ 254);
    EXPECT_EQ(show(s, v).size(), 254u); // garbage past the address, but in bounds
}

TEST(SealedEmail, EqualAddressesUnderEqualStampsSealEqually)
{
    // Deterministic: the same value seals to the same bytes, so sealed
    // output is stable across dumps.
    EmailSealer s(fixed_server_key());
    EXPECT_EQ(seal(s, "jane@example.com", {1, 2}), seal(s, "jane@example.com", {1, 2}));
    EXPECT_NE(seal(s, "jane@example.com", {1, 2}), seal(s, "jane@example.com", {1, 3}));
}

TEST(SealedEmail, ShortValuesAreRefusedBeforeAnyDecryption)
{
    EmailSealer s(fixed_server_key());
    Bytes tiny(10, 1);
    tiny[0] = sealed::kVersion;
    EXPECT_NE(error_detail([&] { show(s, tiny); }, ErrorKind::DataCorrupted), "no error");
    EXPECT_NE(error_detail([&] { s.with_address(tiny.data(), tiny.size(), [](std::string_view) { return 0; }); },
                           ErrorKind::DataCorrupted),
              "no error");
}

TEST(SealedEmail, CanaryMarkIsHiddenAuthenticatedAndKept)
{
    EmailSealer s(fixed_server_key());
    Bytes plain = seal(s, "jane.doe@example.com", Stamp{3, 7});
    EXPECT_FALSE(s.is_canary(plain.data(), plain.size()));

    Bytes canary(sealed::kMaxSize);
    canary.resize(s.as_canary(plain.data(), plain.size(), canary.data()));
    EXPECT_TRUE(s.is_canary(canary.data(), canary.size()));
    // Nothing stored tells it apart: same size, same header but the tag.
    EXPECT_EQ(canary.size(), plain.size());
    EXPECT_EQ(0, std::memcmp(canary.data(), plain.data(), sealed::kTagOffset));
    EXPECT_EQ(show(s, canary), "jane.doe@example.com");
    EXPECT_EQ(open(s, canary), "jane.doe@example.com") << "a canary's token loads back";
    EXPECT_EQ(sealed::stamp_of(canary.data()), (Stamp{3, 7}));

    // Re-stamping and re-sealing keep the mark.
    Bytes moved(sealed::kMaxSize);
    moved.resize(s.restamp(canary.data(), canary.size(), Stamp{3, 8}, moved.data()));
    EXPECT_TRUE(s.is_canary(moved.data(), moved.size()));
    Bytes resealed(sealed::kMaxSize);
    resealed.resize(s.reseal(canary.data(), canary.size(), resealed.data()));
    EXPECT_TRUE(s.is_canary(resealed.data(), resealed.size()));

    // Nobody without the key makes or clears the mark.
    Bytes forged = plain;
    forged[sealed::kHeaderSize + 1 + 20] ^= sealed::kCanaryMark; // where the mark would be
    EXPECT_EQ(error_detail([&] { open(s, forged); }),
              "It failed authentication: it was altered or is not a listguard token.");
}

TEST(SealedEmail, AnyAddressCanBeACanaryOfTheSameSize)
{
    // A role sees its values' sizes: marking must never change one, nor
    // fail for some lengths only (that would single canaries out).
    EmailSealer s(fixed_server_key());
    for (std::size_t length = 6; length <= 254; length++) {
        std::string local(std::min<std::size_t>(length - 5, 64), 'a');
        std::string domain = "co"; // labels of at most 50 octets in front, to the exact length
        std::size_t wanted = length - local.size() - 1;
        while (domain.size() < wanted) {
            std::size_t room = wanted - domain.size() - 1;
            std::size_t label = std::min<std::size_t>(room, 50);
            if (room - label == 1)
                label--;
            domain = std::string(label, 'c') + "." + domain;
        }
        std::string address = local + "@" + domain;
        ASSERT_EQ(address.size(), length);
        Bytes v = seal(s, address);
        Bytes canary(sealed::kMaxSize);
        ASSERT_NO_THROW(canary.resize(s.as_canary(v.data(), v.size(), canary.data()))) << length;
        EXPECT_EQ(canary.size(), v.size()) << length;
        EXPECT_TRUE(s.is_canary(canary.data(), canary.size()));
        EXPECT_EQ(show(s, canary), address);
    }
}

TEST(SealedEmail, ValuesWithoutRoomForTheMarkMoveToTheirBucketWhenRewritten)
{
    // As listguard 0.2 stored a 47-octet address: the 48-octet bucket,
    // no padding. Any rewrite (re-stamping, re-sealing, marking) moves it
    // to the bucket every new value of its length gets, marked or not.
    listguard::Secret key = fixed_server_key();
    EmailSealer s(key);
    std::string address = std::string(47 - 12, 'a') + "@example.com";
    Bytes fresh = seal(s, address);
    ASSERT_EQ(fresh.size(), sealed::kHeaderSize + 96);
    Bytes old(sealed::kHeaderSize + 48);
    std::memcpy(old.data(), fresh.data(), sealed::kTagOffset);
    std::uint8_t plain[48] = {47};
    std::memcpy(plain + 1, address.data(), 47);
    listguard::AesSiv siv(listguard::derive_key(key, "listguard email seal v1", 64));
    listguard::ByteSpan header{old.data(), sealed::kTagOffset};
    siv.encrypt(&header, 1, plain, sizeof plain, old.data() + sealed::kTagOffset, old.data() + sealed::kHeaderSize);
    ASSERT_EQ(open(s, old), address);

    Bytes out(sealed::kMaxSize);
    Bytes restamped(out.begin(), out.begin() + s.restamp(old.data(), old.size(), Stamp{1, 2}, out.data()));
    Bytes resealed(out.begin(), out.begin() + s.reseal(old.data(), old.size(), out.data()));
    Bytes marked(out.begin(), out.begin() + s.as_canary(old.data(), old.size(), out.data()));
    for (const Bytes* v : {&restamped, &resealed, &marked}) {
        EXPECT_EQ(v->size(), fresh.size());
        EXPECT_EQ(show(s, *v), address);
    }
    EXPECT_FALSE(s.is_canary(restamped.data(), restamped.size()));
    EXPECT_TRUE(s.is_canary(marked.data(), marked.size()));
}
