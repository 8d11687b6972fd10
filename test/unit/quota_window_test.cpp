#include <gtest/gtest.h>

#include "core/quota/window.h"

using namespace listguard;

TEST(QuotaWindow, NeverMoreThanTheLimitInOneWindow)
{
    QuotaWindow w;
    std::int64_t total = 0;
    for (int i = 0; i < 1000; i++)
        total += reserve(w, 100, 60, 1000 + i % 30, 7).granted;
    EXPECT_EQ(total, 100);
    EXPECT_EQ(w.used, 100);
}

TEST(QuotaWindow, ANewWindowOpensWithTheFirstRevealAfterTheLastEnded)
{
    QuotaWindow w;
    EXPECT_EQ(reserve(w, 10, 60, 1000, 10).granted, 10);
    EXPECT_EQ(reserve(w, 10, 60, 1059, 1).granted, 0) << "still the window that started at 1000";
    Reservation r = reserve(w, 10, 60, 1060, 4);
    EXPECT_EQ(r.granted, 4);
    EXPECT_EQ(r.window_start, 1060);
    EXPECT_EQ(reserve(w, 10, 60, 5000, 10).window_start, 5000) << "an idle quota starts afresh";
}

TEST(QuotaWindow, WorstCaseIsTwiceTheLimitAcrossABoundary)
{
    // Everything at the very end of one window and the start of the next:
    // within 2 seconds of a 60-second window, 2 x limit, never more.
    QuotaWindow w;
    reserve(w, 10, 60, 1000, 1);
    w.used = 0; // nothing else used in that window
    std::int64_t late = reserve(w, 10, 60, 1059, 100).granted;
    std::int64_t early = reserve(w, 10, 60, 1060, 100).granted;
    EXPECT_EQ(late + early, 20);
}

TEST(QuotaWindow, UnusedReservationsGoBackToTheirOwnWindowOnly)
{
    QuotaWindow w;
    Reservation r = reserve(w, 100, 60, 1000, 50);
    give_back(w, r.window_start, 30);
    EXPECT_EQ(w.used, 20);
    Reservation later = reserve(w, 100, 60, 2000, 10);
    give_back(w, r.window_start, 20); // from the old window: ignored
    EXPECT_EQ(w.used, 10);
    give_back(w, later.window_start, 50); // never below zero
    EXPECT_EQ(w.used, 0);
}

TEST(QuotaWindow, ReservationSizeStaysSmallAgainstTheLimit)
{
    EXPECT_EQ(reservation_size(1), 1);
    EXPECT_EQ(reservation_size(100), 1);
    EXPECT_EQ(reservation_size(5000), 78);
    EXPECT_EQ(reservation_size(100000000), 256);
}

TEST(QuotaWindow, ClockGoingBackwardsGivesNothingMore)
{
    QuotaWindow w;
    EXPECT_EQ(reserve(w, 10, 60, 1000, 10).granted, 10);
    Reservation r = reserve(w, 10, 60, 990, 10);
    EXPECT_EQ(r.window_start, 1000);
    EXPECT_EQ(r.granted, 0);
}

TEST(QuotaWindow, OverWhenNeverOpenedOrEnded)
{
    QuotaWindow w;
    EXPECT_TRUE(window_over(w, 60, 1000)) << "no window was ever opened";
    reserve(w, 10, 60, 1000, 1);
    EXPECT_FALSE(window_over(w, 60, 1000));
    EXPECT_FALSE(window_over(w, 60, 1059));
    EXPECT_TRUE(window_over(w, 60, 1060)) << "a window lasts exactly window_seconds";
}

TEST(QuotaWindow, DurableCountCoversWhatWasUsedWithRoomBelowTheLimit)
{
    for (std::int64_t limit : {1, 5, 100, 1000, 100000}) {
        std::int64_t saves = 0;
        std::int64_t durable = 0;
        for (std::int64_t used = 0; used <= limit; used++) {
            if (used > durable) {
                durable = durable_count(used, limit);
                saves++;
            }
            EXPECT_GE(durable, used) << "a crash never gives back what was used";
            EXPECT_LE(durable, limit) << "nor takes more than the whole quota";
        }
        EXPECT_LE(saves, 17) << "saved about every limit/16 reveals, limit " << limit;
    }
    EXPECT_EQ(durable_count(120, 100), 120) << "a count over the limit (a lowered quota) is kept as it is";
}
