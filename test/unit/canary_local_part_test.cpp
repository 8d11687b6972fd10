#include <random>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "core/canary/local_part.h"

using listguard::local_part_in_style;
using listguard::local_part_style;

namespace {
listguard::RandomBelow seeded(unsigned seed)
{
    auto engine = std::make_shared<std::mt19937>(seed);
    return
        [engine](std::uint32_t bound) { return std::uniform_int_distribution<std::uint32_t>(0, bound - 1)(*engine); };
}
} // namespace

TEST(CanaryLocalPart, StyleNamesTheShape)
{
    EXPECT_EQ(local_part_style("john.smith42"), "w.w99");
    EXPECT_EQ(local_part_style("jsmith"), "w");
    EXPECT_EQ(local_part_style("j.smith"), "i.w");
    EXPECT_EQ(local_part_style("johnsmith1985"), "W9999");
    EXPECT_EQ(local_part_style("Mary_Jones-7"), "w_w-9");
    EXPECT_EQ(local_part_style("ann+news"), "w+w");
}

TEST(CanaryLocalPart, StrangeCharactersHaveNoStyle)
{
    EXPECT_EQ(local_part_style("\"john doe\""), "");
    EXPECT_EQ(local_part_style("j%doe"), "");
    EXPECT_EQ(local_part_in_style("w%w", seeded(1)), "");
}

TEST(CanaryLocalPart, MadeLocalPartsHaveTheStyleTheyWereMadeIn)
{
    auto random = seeded(42);
    for (const char* style : {"w.w99", "w", "i.w", "W9999", "w_w-9", "w.w", "W", "w9", "W.w", "i.i.w"}) {
        for (int i = 0; i < 200; i++) {
            std::string made = local_part_in_style(style, random);
            std::string again = local_part_style(made);
            std::string expected = style;
            EXPECT_EQ(again, expected) << style << " made " << made;
        }
    }
}

TEST(CanaryLocalPart, FourDigitsReadAsAYear)
{
    auto random = seeded(7);
    for (int i = 0; i < 100; i++) {
        std::string made = local_part_in_style("w9999", random);
        int year = std::stoi(made.substr(made.size() - 4));
        EXPECT_GE(year, 1950);
        EXPECT_LE(year, 2005);
    }
}

TEST(CanaryLocalPart, ManyDifferentLocalPartsInOneStyle)
{
    auto random = seeded(3);
    std::set<std::string> made;
    for (int i = 0; i < 1000; i++)
        made.insert(local_part_in_style("w.w99", random));
    EXPECT_GT(made.size(), 900u);
}
