#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include <openssl/evp.h>

#include "core/canary/reveal_record.h"
#include "core/crypto/hkdf.h"
#include "test_util.h"

using listguard::RevealRecord;
using listguard::RevealRecordSealer;

TEST(CanaryRevealRecord, EverySlotIsNotedWhateverTheirNumber)
{
    RevealRecordSealer sealer(listguard::test::fixed_server_key());
    std::uint8_t iv[16] = {1, 2, 3};
    RevealRecord r;
    // A statement that read 100 canaries of its role, and more.
    for (std::uint32_t slot = 0; slot < 300; slot += 3)
        r.add_slot(slot);
    std::string text = sealer.seal(r, RevealRecord::slots_for(299), iv);
    RevealRecord back = sealer.open(text);
    for (std::uint32_t slot = 0; slot < 300; slot++)
        EXPECT_EQ(back.has_slot(slot), slot % 3 == 0) << slot;
    EXPECT_EQ(back.overflow(), 0u);
    EXPECT_TRUE(sealer.notes(text, 77, 99, true));
    EXPECT_FALSE(sealer.notes(text, 77, 100, true));
    EXPECT_FALSE(sealer.notes(text, 77, 99, false)) << "outside its account a canary is noted by id";
}

TEST(CanaryRevealRecord, SizeDependsOnTheDatabaseNotOnWhatWasRead)
{
    RevealRecordSealer sealer(listguard::test::fixed_server_key());
    std::uint8_t iv[16] = {9};
    std::size_t slots = RevealRecord::slots_for(700);
    EXPECT_EQ(slots, 768u);
    RevealRecord empty, one, many;
    one.add_slot(5);
    for (std::uint32_t s = 0; s <= 700; s++)
        many.add_slot(s);
    many.add_outside(12345);
    std::string a = sealer.seal(empty, slots, iv), b = sealer.seal(one, slots, iv), c = sealer.seal(many, slots, iv);
    EXPECT_EQ(a.size(), RevealRecordSealer::text_size(slots));
    EXPECT_EQ(b.size(), a.size());
    EXPECT_EQ(c.size(), a.size());
    EXPECT_EQ(RevealRecord::slots_for(-1), 256u);
    EXPECT_EQ(RevealRecord::slots_for(255), 256u);
    EXPECT_EQ(RevealRecord::slots_for(256), 512u);
    EXPECT_LE(RevealRecordSealer::text_size(RevealRecord::kMaxSlots), RevealRecordSealer::kMaxTextSize);
    EXPECT_EQ(sealer.open(c).used_slots(), 701u);
}

TEST(CanaryRevealRecord, CopiesInAnotherAccountAreNotedByIdUpToFour)
{
    RevealRecordSealer sealer(listguard::test::fixed_server_key());
    std::uint8_t iv[16] = {4};
    RevealRecord r;
    for (int id = 1; id <= RevealRecord::kOutsideIds + 2; id++)
        r.add_outside(id);
    r.add_outside(1);
    r.add_outside(1LL << 40);
    r.add_slot(RevealRecord::kMaxSlots);
    RevealRecord back = sealer.open(sealer.seal(r, 256, iv));
    EXPECT_TRUE(back.has_outside(1));
    EXPECT_TRUE(back.has_outside(RevealRecord::kOutsideIds));
    EXPECT_FALSE(back.has_outside(RevealRecord::kOutsideIds + 1));
    EXPECT_EQ(back.overflow(), 4u);
}

TEST(CanaryRevealRecord, OtherIvsLookUnrelated)
{
    RevealRecordSealer sealer(listguard::test::fixed_server_key());
    std::uint8_t iv1[16] = {1};
    std::uint8_t iv2[16] = {2};
    RevealRecord r;
    r.add_slot(5);
    EXPECT_NE(sealer.seal(r, 256, iv1).substr(30), sealer.seal(r, 256, iv2).substr(30));
}

// A record as listguard 0.2 sealed it: eight (id, count) pairs, an overflow
// count and a reserved word, AES-256-CTR, in hexadecimal.
TEST(CanaryRevealRecord, OpensRecordsOfListguard02)
{
    listguard::Secret key =
        listguard::derive_key(listguard::test::fixed_server_key(), "listguard canary reveals v1", 32);
    std::uint8_t plain[72] = {};
    plain[3] = 7;  // id 7
    plain[7] = 2;  // read twice
    plain[11] = 9; // id 9
    plain[15] = 1;
    std::uint8_t iv[16] = {5, 6};
    std::uint8_t sealed[16 + 72];
    std::memcpy(sealed, iv, 16);
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
    int n = 0;
    ASSERT_EQ(EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_ctr(), nullptr, key.data(), iv), 1);
    ASSERT_EQ(EVP_EncryptUpdate(ctx.get(), sealed + 16, &n, plain, 72), 1);
    std::string text;
    for (std::uint8_t b : sealed) {
        text += "0123456789abcdef"[b >> 4];
        text += "0123456789abcdef"[b & 15];
    }
    ASSERT_EQ(text.size(), RevealRecordSealer::kVersion1TextSize);
    RevealRecordSealer sealer(listguard::test::fixed_server_key());
    RevealRecord r = sealer.open(text);
    EXPECT_EQ(r.version(), 1);
    EXPECT_EQ(r.version1_count(7), 2u);
    EXPECT_TRUE(sealer.notes(text, 9, 0, true)) << "version 1 notes by id, in any account";
    EXPECT_FALSE(sealer.notes(text, 8, 0, true));
}

TEST(CanaryRevealRecord, RefusesWhatIsNotARecord)
{
    RevealRecordSealer sealer(listguard::test::fixed_server_key());
    EXPECT_THROW(sealer.open("abc"), listguard::Error);
    EXPECT_THROW(sealer.open(std::string(RevealRecordSealer::kVersion1TextSize, 'z')), listguard::Error);
    std::uint8_t iv[16] = {};
    std::string good = sealer.seal(RevealRecord{}, 256, iv);
    EXPECT_THROW(sealer.open(good.substr(0, good.size() - 1)), listguard::Error);
    std::string bad = good;
    bad[10] = '*';
    EXPECT_THROW(sealer.open(bad), listguard::Error);
}
