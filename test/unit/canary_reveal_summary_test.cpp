#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

#include "core/base/error.h"
#include "core/canary/reveal_summary.h"

using listguard::read_spool;
using listguard::SpoolRecordHeader;
using listguard::summary_contains;
using listguard::SummaryFilter;

namespace {

// The false positive rate of one part filled to capacity.
double false_positives(int part, std::mt19937_64& rng)
{
    std::size_t capacity = SummaryFilter::capacity_of(part);
    std::vector<std::uint8_t> bits(SummaryFilter::octets_for(capacity));
    SummaryFilter f(bits.data(), bits.size());
    for (std::size_t i = 0; i < capacity; i++)
        f.insert(rng());
    int hits = 0;
    const int trials = 400000;
    for (int i = 0; i < trials; i++)
        hits += f.contains(rng()) ? 1 : 0;
    return static_cast<double>(hits) / trials;
}

} // namespace

TEST(CanaryRevealSummary, EveryKeyAddedIsFound)
{
    std::vector<std::uint8_t> bits(SummaryFilter::octets_for(SummaryFilter::kFirstCapacity));
    SummaryFilter f(bits.data(), bits.size());
    std::mt19937_64 rng(1);
    std::vector<std::uint64_t> keys(SummaryFilter::kFirstCapacity);
    for (auto& k : keys) {
        k = rng();
        f.insert(k);
    }
    for (auto k : keys)
        EXPECT_TRUE(f.contains(k));
    EXPECT_TRUE(summary_contains(bits.data(), bits.size(), keys[0]));
    EXPECT_FALSE(summary_contains(bits.data(), bits.size() - 1, keys[0])) << "a filter of a wrong size holds nothing";
}

TEST(CanaryRevealSummary, FalsePositivesStayUnderOnePercentAcrossADay)
{
    std::mt19937_64 rng(2);
    double total = 0;
    std::size_t keys = 0;
    for (int part = 0; part <= 5; part++) {
        double rate = false_positives(part, rng);
        EXPECT_LT(rate, 0.002) << "part " << part;
        total += rate;
        keys += SummaryFilter::capacity_of(part);
    }
    // Six full parts: 2.8 million distinct addresses read in one day.
    EXPECT_GT(keys, 2'700'000u);
    EXPECT_LT(total, 0.01);
}

TEST(CanaryRevealSummary, SizesGrowByFour)
{
    EXPECT_EQ(SummaryFilter::capacity_of(0), 2048u);
    EXPECT_EQ(SummaryFilter::capacity_of(1), 8192u);
    EXPECT_EQ(SummaryFilter::capacity_of(SummaryFilter::kMaxGrowthPart + 3),
              SummaryFilter::capacity_of(SummaryFilter::kMaxGrowthPart));
    EXPECT_EQ(SummaryFilter::octets_for(2048), 4096u) << "16 bits a key";
}

TEST(CanaryRevealSummary, SpoolRecordsAreReadWholeOnly)
{
    std::vector<std::uint8_t> file;
    auto add = [&](std::uint32_t role, std::int32_t day, std::vector<std::uint64_t> keys) {
        SpoolRecordHeader h{SpoolRecordHeader::kMagic, role, role + 1, day, static_cast<std::uint32_t>(keys.size())};
        std::size_t at = file.size();
        file.resize(at + sizeof h + 8 * keys.size());
        std::memcpy(file.data() + at, &h, sizeof h);
        std::memcpy(file.data() + at + sizeof h, keys.data(), 8 * keys.size());
    };
    add(10, 9000, {1, 2, 3});
    add(11, 9001, {4});
    std::size_t whole = file.size();
    add(12, 9001, {5, 6});
    std::vector<std::uint64_t> seen;
    std::vector<std::uint32_t> roles;
    auto each = [&](const SpoolRecordHeader& h, const std::uint64_t* k) {
        roles.push_back(h.role);
        seen.insert(seen.end(), k, k + h.count);
    };
    EXPECT_EQ(read_spool(file.data(), file.size() - 3, each), whole) << "a record cut short waits";
    EXPECT_EQ(seen, (std::vector<std::uint64_t>{1, 2, 3, 4}));
    EXPECT_EQ(roles, (std::vector<std::uint32_t>{10, 11}));
    file[whole] ^= 0xff;
    EXPECT_THROW(read_spool(file.data(), file.size(), each), listguard::Error);
}

// False positives add up over days: a question about a canary planted a
// month ago asks every part of every day since. The rate of a set of
// filters is computed from their bits, and answers count only while it is
// within kMaxFalsePositiveRate: measured on a role that reads 20,000
// distinct addresses a day, as the writer fills its days (parts of 2,048,
// 8,192, 32,768 ...).
TEST(CanaryRevealSummary, FalsePositivesAcrossDaysAreMeasuredAndBounded)
{
    using listguard::FalsePositiveRate;
    using listguard::kMaxFalsePositiveRate;
    using listguard::summary_false_positive_rate;
    std::mt19937_64 rng(3);
    const std::size_t per_day = 20000;
    std::vector<std::vector<std::uint8_t>> filters;
    FalsePositiveRate rate;
    bool crossed = false;
    for (int day = 1; day <= 12; day++) {
        std::size_t left = per_day;
        for (int part = 0; left > 0; part++) {
            std::size_t capacity = SummaryFilter::capacity_of(part);
            filters.emplace_back(SummaryFilter::octets_for(capacity));
            SummaryFilter f(filters.back().data(), filters.back().size());
            std::size_t n = std::min(left, capacity);
            for (std::size_t i = 0; i < n; i++)
                f.insert(rng());
            left -= n;
            rate.add(summary_false_positive_rate(filters.back().data(), filters.back().size()));
        }
        // Keys never added, asked of every filter so far.
        const int trials = 200000;
        int hits = 0;
        for (int t = 0; t < trials; t++) {
            std::uint64_t key = rng();
            for (const auto& bits : filters) {
                if (summary_contains(bits.data(), bits.size(), key)) {
                    hits++;
                    break;
                }
            }
        }
        double measured = static_cast<double>(hits) / trials;
        EXPECT_NEAR(measured, rate.rate(), 0.0015 + 0.1 * rate.rate()) << "day " << day;
        if (rate.within_bound())
            EXPECT_LE(measured, kMaxFalsePositiveRate + 0.001) << "day " << day << ": answers that count";
        else
            crossed = true;
    }
    EXPECT_TRUE(crossed) << "twelve such days add up past the bound: the bound is what keeps answers in it";
    EXPECT_GT(rate.rate(), kMaxFalsePositiveRate);
}

TEST(CanaryRevealSummary, FalsePositiveRateOfOneFilter)
{
    using listguard::summary_false_positive_rate;
    std::vector<std::uint8_t> bits(SummaryFilter::octets_for(SummaryFilter::kFirstCapacity));
    EXPECT_EQ(summary_false_positive_rate(bits.data(), bits.size()), 0.0) << "an empty filter holds nothing";
    std::fill(bits.begin(), bits.end(), 0xff);
    EXPECT_EQ(summary_false_positive_rate(bits.data(), bits.size()), 1.0);
    EXPECT_EQ(summary_false_positive_rate(bits.data(), bits.size() - 1), 0.0) << "a filter of a wrong size";
}
