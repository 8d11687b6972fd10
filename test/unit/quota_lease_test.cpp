#include <gtest/gtest.h>

#include "core/quota/lease.h"

using namespace listguard;

TEST(QuotaLease, ADryLeaseAsksForMore)
{
    Lease lease;
    Reservation r = take_from_lease(lease, 60, 1000, 5);
    EXPECT_EQ(r.granted, 0);
    EXPECT_TRUE(lease.wanted);
    fill_lease(lease, 990, 8, 990);
    EXPECT_FALSE(lease.wanted);
    EXPECT_EQ(take_from_lease(lease, 60, 1000, 5).granted, 5);
    EXPECT_EQ(take_from_lease(lease, 60, 1000, 5).granted, 3) << "never more than was leased";
    EXPECT_EQ(take_from_lease(lease, 60, 1000, 5).granted, 0);
    EXPECT_TRUE(lease.wanted);
}

TEST(QuotaLease, UnitsOfAnEndedWindowAreWorthless)
{
    Lease lease;
    fill_lease(lease, 1000, 10, 1000);
    EXPECT_EQ(take_from_lease(lease, 60, 1059, 1).granted, 1);
    EXPECT_EQ(take_from_lease(lease, 60, 1060, 1).granted, 0) << "they counted in the window that ended";
    EXPECT_EQ(lease.remaining, 0);
    fill_lease(lease, 1060, 4, 1060);
    EXPECT_EQ(lease.remaining, 4);
    fill_lease(lease, 1120, 2, 1120);
    EXPECT_EQ(lease.remaining, 2) << "a fill for a new window drops the old units";
}

TEST(QuotaLease, ARefusalIsRememberedUntilTheWindowEnds)
{
    Lease lease;
    fill_lease(lease, 1000, 0, 1000);
    EXPECT_TRUE(lease.refused);
    take_from_lease(lease, 60, 1030, 1);
    EXPECT_TRUE(lease.refused);
    take_from_lease(lease, 60, 1061, 1);
    EXPECT_FALSE(lease.refused);
}

TEST(QuotaLease, TheLeasesOfManyStandbysNeverExceedTheLimit)
{
    // The primary counts a lease when it grants it: whatever the standbys
    // spend, the sum of grants is bounded by the window's limit.
    QuotaWindow primary;
    Lease standbys[3];
    std::int64_t spent = 0;
    for (int round = 0; round < 200; round++)
        for (Lease& s : standbys) {
            Reservation r = take_from_lease(s, 3600, 1000 + round, 3);
            if (r.granted == 0 && s.wanted) {
                Reservation g = reserve(primary, 100, 3600, 1000 + round, lease_size(100));
                fill_lease(s, g.window_start, g.granted, 1000 + round);
            }
            spent += r.granted;
        }
    EXPECT_LE(spent, 100);
    EXPECT_EQ(primary.used, 100);
}

TEST(QuotaLease, IdleLeasesGoBack)
{
    Lease lease;
    fill_lease(lease, 1000, 6, 1000);
    take_from_lease(lease, 3600, 1001, 1);
    EXPECT_FALSE(lease_idle(lease, 3600, 1003, 5));
    EXPECT_TRUE(lease_idle(lease, 3600, 1006, 5));
    EXPECT_TRUE(lease_idle(lease, 60, 1061, 5)) << "a window that ended";
    lease.remaining = 0;
    EXPECT_FALSE(lease_idle(lease, 3600, 9999, 5)) << "nothing to give back";
}

TEST(QuotaLease, LeaseSizeIsASmallShareOfTheLimit)
{
    EXPECT_EQ(lease_size(1), 1);
    EXPECT_EQ(lease_size(100), 6);
    EXPECT_EQ(lease_size(5000), 312);
    EXPECT_EQ(lease_size(10000000), 65536);
}

TEST(QuotaLease, ABusyLeaseIsRefilledBeforeItRunsDry)
{
    Lease lease;
    EXPECT_FALSE(lease_running_low(lease, 1600, 1000)) << "never used, nobody waits";
    fill_lease(lease, 1000, lease_size(1600), 1000); // 100
    take_from_lease(lease, 3600, 1000, 40);
    EXPECT_FALSE(lease_running_low(lease, 1600, 1000)) << "60 left of 100";
    take_from_lease(lease, 3600, 1001, 20);
    EXPECT_TRUE(lease_running_low(lease, 1600, 1001)) << "40 left, in use";
    EXPECT_FALSE(lease_running_low(lease, 1600, 1010)) << "idle: no need";
    fill_lease(lease, 1000, 0, 1000);
    EXPECT_EQ(take_from_lease(lease, 3600, 1010, 50).granted, 40) << "what is left";
    EXPECT_EQ(take_from_lease(lease, 3600, 1010, 1).granted, 0);
    EXPECT_TRUE(lease_running_low(lease, 1600, 1010)) << "a backend waits";
    lease.wanted = false;
    EXPECT_FALSE(lease_running_low(lease, 1600, 1010)) << "refused in this window";
}

TEST(QuotaLease, AFreshLeaseIsNotIdle)
{
    // A lease just filled, before any backend took from it, must not go
    // straight back to the primary (waiting backends would never get it).
    Lease lease;
    take_from_lease(lease, 3600, 5000, 1);
    fill_lease(lease, 5000, 6, 5000);
    EXPECT_FALSE(lease_idle(lease, 3600, 5000, 5));
    EXPECT_EQ(take_from_lease(lease, 3600, 5000, 1).granted, 1);
}
