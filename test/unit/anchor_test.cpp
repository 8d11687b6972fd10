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

TEST(Anchor, RecordIsFixedSizeLowerCaseHexEndedByANewline)
{
    std::string r = record_of(sample(1742));
    ASSERT_EQ(r.size(), kAnchorRecordSize);
    EXPECT_EQ(r.substr(0, 5), "1742 ");
    EXPECT_EQ(r.substr(5, 4), "0b30");
    EXPECT_EQ(r.find_first_of("ABCDEF"), std::string::npos);
    EXPECT_EQ(r.back(), '\n');
    EXPECT_EQ(r.find_first_not_of(' ', 5 + kLinkHexSize), r.size() - 1);
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
    for (char& c : r)
        if (c >= 'a' && c <= 'f')
            c = static_cast<char>(c - 'a' + 'A');
    EXPECT_EQ(parse_anchor(r).id, 7);
}

TEST(Anchor, TornOrMalformedRecordsReadAsNoAnchor)
{
    std::string good = record_of(sample(42));
    EXPECT_FALSE(parse_anchor("").present());
    EXPECT_FALSE(parse_anchor(good.substr(0, 20)).present());        // torn in the link
    EXPECT_FALSE(parse_anchor("42").present());                        // no link
    EXPECT_FALSE(parse_anchor("0 " + good.substr(3)).present());       // id 0
    EXPECT_FALSE(parse_anchor("-4 " + good.substr(3)).present());      // negative id
    EXPECT_FALSE(parse_anchor("4x2 " + good.substr(3)).present());     // not a number
    std::string not_hex = good;
    not_hex[10] = 'g';
    EXPECT_FALSE(parse_anchor(not_hex).present());
    std::string longer = good.substr(0, 3 + kLinkHexSize) + "ab\n";
    EXPECT_FALSE(parse_anchor(longer).present());
}
