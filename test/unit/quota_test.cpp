#include <gtest/gtest.h>

#include "core/quota/quota.h"
#include "test_util.h"

using listguard::ErrorKind;
using listguard::parse_quota;
using listguard::quota_unit_name;
using listguard::test::error_detail;

TEST(Quota, ParsesEveryUnit)
{
    EXPECT_EQ(parse_quota("5000/day").limit, 5000);
    EXPECT_EQ(parse_quota("5000/day").window_seconds, 86400);
    EXPECT_EQ(parse_quota("200/hour").window_seconds, 3600);
    EXPECT_EQ(parse_quota("10/minute").window_seconds, 60);
    EXPECT_EQ(parse_quota("1/second").window_seconds, 1);
    EXPECT_EQ(parse_quota("7/week").window_seconds, 604800);
    EXPECT_EQ(parse_quota(" 12 / Day ").limit, 12);
}

TEST(Quota, RejectsWhatDoesNotParse)
{
    auto detail = [](const char* q) { return error_detail([&] { parse_quota(q); }, ErrorKind::InvalidParameter); };
    EXPECT_EQ(detail("5000"), "It has no \"/\" between the count and the unit.");
    EXPECT_EQ(detail("/day"), "The count is missing.");
    EXPECT_EQ(detail("-5/day"), "The count must be a whole number.");
    EXPECT_EQ(detail("1.5/day"), "The count must be a whole number.");
    EXPECT_EQ(detail("0/day"), "The count must be at least 1.");
    EXPECT_EQ(detail("99999999999999999999/day"), "The count is too large.");
    EXPECT_EQ(detail("5/days"), "The unit must be second, minute, hour, day or week.");
    EXPECT_EQ(detail("5/fortnight"), "The unit must be second, minute, hour, day or week.");
    EXPECT_EQ(detail("5/"), "The unit must be second, minute, hour, day or week.");
}

TEST(Quota, UnitNamesComeFromTheSameTableAsParsing)
{
    for (const char* unit : {"second", "minute", "hour", "day", "week"})
        EXPECT_EQ(quota_unit_name(parse_quota(std::string("1/") + unit).window_seconds), unit);
}

TEST(Quota, OtherWindowsHaveNoUnitName)
{
    EXPECT_EQ(quota_unit_name(7200), "");
    EXPECT_EQ(quota_unit_name(2 * 604800), "");
}
