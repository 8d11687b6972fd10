#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "core/audit/anchor.h"

using namespace listguard;

namespace {

Anchor sample(std::int64_t id)
{
    Anchor a;
    a.id = id;
    for (std::size_t i = 0; i < kLinkSize; i++)
        a.link[i] = static_cast<std::uint8_t>(i * 37 + 11);
    return a;
}

std::string record_of(const Anchor& a)
{
    char record[kAnchorRecordSize];
    format_anchor(a, record);
    return std::string(record, sizeof record);
}

} // namespace

TEST(Anchor, RecordIsVersionedFixedSizeLowerCaseHexEndedByANewline)
{
    std::string r = record_of(sample(1742));
    ASSERT_EQ(r.size(), kAnchorRecordSize);
    EXPECT_EQ(r.substr(0, 17), "lg-anchor 2 1742 ");
    EXPECT_EQ(r.substr(17, 4), "0b30");
    EXPECT_EQ(r.find_first_of("ABCDEF"), std::string::npos);
    EXPECT_EQ(r.back(), '\n');
    EXPECT_EQ(r.find_first_not_of(' ', 17 + kLinkHexSize), r.size() - 1);
}

TEST(Anchor, Version1RecordsAreStillRead)
{
    std::string v2 = record_of(sample(7));
    std::string v1 = v2.substr(12); // what listguard 0.1 wrote: "<id> <link>"
    Anchor a = parse_anchor(v1);
    EXPECT_EQ(a.id, 7);
    EXPECT_EQ(std::memcmp(a.link, sample(7).link, kLinkSize), 0);
    EXPECT_FALSE(parse_anchor("lg-anchor 3 7 " + v1.substr(2)).present()); // a later version: not guessed at
}

TEST(Anchor, RoundTrips)
{
    for (std::int64_t id : {std::int64_t{1}, std::int64_t{99999}, INT64_MAX}) {
        Anchor a = sample(id);
        Anchor b = parse_anchor(record_of(a));
        EXPECT_EQ(b.id, id);
        EXPECT_EQ(std::memcmp(a.link, b.link, kLinkSize), 0);
    }
}

TEST(Anchor, UpperCaseHexIsAccepted)
{
    std::string r = record_of(sample(7));
    for (std::size_t i = 12; i < r.size(); i++) // the link, not the version tag
        if (r[i] >= 'a' && r[i] <= 'f')
            r[i] = static_cast<char>(r[i] - 'a' + 'A');
    EXPECT_EQ(parse_anchor(r).id, 7);
}

TEST(Anchor, TornOrMalformedRecordsReadAsNoAnchor)
{
    std::string good = record_of(sample(42));
    EXPECT_FALSE(parse_anchor("").present());
    std::string link = good.substr(15);                              // after "lg-anchor 2 42 "
    EXPECT_FALSE(parse_anchor(good.substr(0, 30)).present());        // torn in the link
    EXPECT_FALSE(parse_anchor("lg-anchor 2 42").present());          // no link
    EXPECT_FALSE(parse_anchor("lg-anchor 2 0 " + link).present());   // id 0
    EXPECT_FALSE(parse_anchor("lg-anchor 2 -4 " + link).present());  // negative id
    EXPECT_FALSE(parse_anchor("lg-anchor 2 4x2 " + link).present()); // not a number
    std::string not_hex = good;
    not_hex[20] = 'g';
    EXPECT_FALSE(parse_anchor(not_hex).present());
    std::string longer = good.substr(0, 15 + kLinkHexSize) + "ab\n";
    EXPECT_FALSE(parse_anchor(longer).present());
}
