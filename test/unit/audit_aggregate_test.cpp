#include <cstring>

#include <gtest/gtest.h>

#include "core/audit/aggregate.h"

using namespace listguard;

namespace {

AuditEvent rows_event(const char* user, const char* table, std::int64_t time, const char* counts, int pid = 100)
{
    AuditEvent e;
    std::memset(&e, 0, sizeof e);
    e.database = 16384;
    e.time = time;
    std::strcpy(e.kind, "rows_changed");
    std::strcpy(e.session_user, user);
    std::strcpy(e.current_user, user);
    std::strcpy(e.relation, table);
    e.pid = pid;
    e.xid = 1000 + static_cast<std::uint64_t>(time % 1000);
    std::strcpy(e.counts, counts);
    e.counts_length = static_cast<std::int32_t>(std::strlen(counts));
    std::strcpy(e.detail, "{\"operation\": \"insert\"}");
    e.detail_length = static_cast<std::int32_t>(std::strlen(e.detail));
    return e;
}

std::int64_t rows_in(const std::vector<AuditEvent>& events)
{
    std::int64_t total = 0;
    for (const AuditEvent& e : events) {
        RowCounts c;
        EXPECT_TRUE(parse_row_counts(e.counts, &c)) << e.counts;
        total += c.rows();
    }
    return total;
}

} // namespace

TEST(RowCounts, ParsesWhatBackendsAndJsonbWrite)
{
    RowCounts c;
    ASSERT_TRUE(parse_row_counts("{\"insert\": {\"1/10\": 3, \"2/0\": 1}, \"rows\": 4}", &c));
    EXPECT_EQ(c.rows(), 4);
    EXPECT_EQ((c.written[0][{1, 10}]), 3);
    // jsonb's order and spacing
    ASSERT_TRUE(parse_row_counts("{\"rows\": 5, \"delete\": {\"1/10\": 2}, \"update\": {\"1/10\": 3}}", &c));
    EXPECT_EQ(c.rows(), 5);
    ASSERT_TRUE(parse_row_counts("{\"insert\":{\"1/1\":1},\"rolled_back\":{\"insert\":{\"1/1\":2}},\"rows\":1}", &c));
    EXPECT_EQ(c.rows(), 1);
    EXPECT_EQ(c.rolled_back_rows(), 2);
    for (const char* bad : {"", "{", "{\"clear\": 3}", "{\"insert\": {\"1/x\": 1}}", "{\"insert\": {\"1/1\": -1}}",
                            "{\"insert\": {\"1/1\": 1}} x", "{\"insert\": {\"1/1\": 99999999999999999999}}",
                            "{\"ins\\u0065rt\": {}}", "[1]"})
        EXPECT_FALSE(parse_row_counts(bad, &c)) << bad;
    // Overflowing sums are refused rather than wrapped.
    EXPECT_FALSE(parse_row_counts("{\"insert\": {\"1/1\": 9223372036854775807, \"1/2\": 1}}", &c));
}

TEST(RowCounts, RenderingRoundTripsAndSplitsWithoutLosingACount)
{
    RowCounts c;
    for (int a = 1; a <= 60; a++)
        for (int l = 0; l < 5; l++)
            c.written[a % 3][{a, l * 1000003}] = a * 7 + l;
    c.rolled_back[0][{1, 2}] = 9;
    std::vector<std::string> chunks = render_row_counts(c, 400);
    EXPECT_GT(chunks.size(), 5u);
    RowCounts back;
    for (const std::string& chunk : chunks) {
        EXPECT_LE(chunk.size(), 400u) << chunk;
        RowCounts part;
        ASSERT_TRUE(parse_row_counts(chunk, &part)) << chunk;
        back.add(part);
    }
    EXPECT_EQ(back.rows(), c.rows());
    EXPECT_EQ(back.rolled_back_rows(), 9);
    for (int op = 0; op < RowCounts::kOperations; op++)
        EXPECT_EQ(back.written[op], c.written[op]);
    EXPECT_EQ(render_row_counts(RowCounts{}, 400), std::vector<std::string>{"{\"rows\": 0}"});
}

TEST(RowsPerSecond, MergesPerRoleTableAndSecond)
{
    RowsPerSecond agg(400);
    const std::int64_t t = 820000000000000; // a whole second
    for (int i = 0; i < 1000; i++)
        EXPECT_TRUE(agg.add(
            rows_event("app", "public.subs", t + i * 500, "{\"insert\": {\"1/10\": 1}, \"rows\": 1}", 100 + i % 4)));
    EXPECT_TRUE(agg.add(rows_event("app", "public.other", t + 10, "{\"update\": {\"2/0\": 5}, \"rows\": 5}")));
    EXPECT_TRUE(agg.add(rows_event("loader", "public.subs", t + 10, "{\"insert\": {\"1/10\": 2}, \"rows\": 2}")));
    EXPECT_TRUE(agg.add(rows_event("app", "public.subs", t + 1000000, "{\"insert\": {\"1/10\": 1}, \"rows\": 1}")));
    EXPECT_EQ(agg.pending(), 4u);

    AuditEvent reveal = rows_event("app", "public.subs", t, "{\"clear\": 1}");
    std::strcpy(reveal.kind, "clear_reveal");
    EXPECT_FALSE(agg.add(reveal));
    AuditEvent odd = rows_event("app", "public.subs", t, "{\"insert\": 1}");
    EXPECT_FALSE(agg.add(odd)) << "counts of another shape are appended as they are";

    // The second is not over: nothing yet.
    EXPECT_TRUE(agg.take(t + 999999, false).empty());
    std::vector<AuditEvent> first = agg.take(t + 1000000, false);
    ASSERT_EQ(first.size(), 3u);
    EXPECT_EQ(rows_in(first), 1000 + 5 + 2);
    for (const AuditEvent& e : first) {
        EXPECT_EQ(e.xid, 0u);
        EXPECT_STREQ(e.kind, "rows_changed");
    }
    EXPECT_STREQ(first[0].relation, "public.subs");
    EXPECT_NE(std::strstr(first[0].detail, "\"events\": 1000"), nullptr) << first[0].detail;
    EXPECT_NE(std::strstr(first[0].detail, "\"backends\": 4"), nullptr) << first[0].detail;
    EXPECT_NE(std::strstr(first[0].detail, "\"statements\": 1000"), nullptr) << first[0].detail;
    EXPECT_EQ(agg.pending(), 1u);
    std::vector<AuditEvent> rest = agg.take(t, true);
    ASSERT_EQ(rest.size(), 1u);
    EXPECT_EQ(rows_in(rest), 1);
    EXPECT_EQ(agg.pending(), 0u);
}

TEST(RowsPerSecond, ManyScopesSplitIntoSeveralEventsWithEveryCount)
{
    RowsPerSecond agg(400);
    const std::int64_t t = 820000000000000;
    std::int64_t expected = 0;
    for (int a = 1; a <= 200; a++) {
        std::string counts = "{\"insert\": {\"" + std::to_string(a) + "/" + std::to_string(a * 11) +
                             "\": " + std::to_string(a) + "}, \"rows\": " + std::to_string(a) + "}";
        ASSERT_TRUE(agg.add(rows_event("app", "public.subs", t + a, counts.c_str())));
        expected += a;
    }
    std::vector<AuditEvent> out = agg.take(t, true);
    EXPECT_GT(out.size(), 1u);
    EXPECT_EQ(rows_in(out), expected);
    for (const AuditEvent& e : out)
        EXPECT_EQ(static_cast<std::size_t>(e.counts_length), std::strlen(e.counts));
}
