#include <gtest/gtest.h>

#include "core/canary/reveal_record.h"
#include "test_util.h"

using listguard::RevealRecord;
using listguard::RevealRecordSealer;

TEST(CanaryRevealRecord, RoundTripAndFixedSize)
{
    RevealRecordSealer sealer(listguard::test::fixed_server_key());
    std::uint8_t iv[16] = {1, 2, 3};
    RevealRecord empty;
    RevealRecord some;
    some.add(7);
    some.add(7);
    some.add(12);
    std::string a = sealer.seal(empty, iv);
    std::string b = sealer.seal(some, iv);
    EXPECT_EQ(a.size(), RevealRecordSealer::kTextSize);
    EXPECT_EQ(b.size(), a.size()) << "a record with canaries is as long as one without";
    RevealRecord back = sealer.open(b);
    EXPECT_EQ(back.count_of(7), 2u);
    EXPECT_EQ(back.count_of(12), 1u);
    EXPECT_EQ(back.count_of(13), 0u);
    EXPECT_EQ(sealer.open(a).count_of(7), 0u);
}

TEST(CanaryRevealRecord, OtherIvsLookUnrelated)
{
    RevealRecordSealer sealer(listguard::test::fixed_server_key());
    std::uint8_t iv1[16] = {1};
    std::uint8_t iv2[16] = {2};
    RevealRecord r;
    r.add(5);
    EXPECT_NE(sealer.seal(r, iv1).substr(32), sealer.seal(r, iv2).substr(32));
}

TEST(CanaryRevealRecord, SlotsOverflowIntoACount)
{
    RevealRecord r;
    for (int id = 1; id <= RevealRecord::kSlots + 3; id++)
        r.add(id);
    r.add(1LL << 40);
    EXPECT_EQ(r.count_of(1), 1u);
    EXPECT_EQ(r.count_of(RevealRecord::kSlots + 1), 0u);
    EXPECT_EQ(r.overflow, 4u);
}

TEST(CanaryRevealRecord, RefusesWhatIsNotARecord)
{
    RevealRecordSealer sealer(listguard::test::fixed_server_key());
    EXPECT_THROW(sealer.open("abc"), listguard::Error);
    EXPECT_THROW(sealer.open(std::string(RevealRecordSealer::kTextSize, 'z')), listguard::Error);
}
