#include <cstring>
#include <sstream>

#include <gtest/gtest.h>

#include "core/audit/segment.h"
#include "core/crypto/hkdf.h"
#include "test_util.h"

using namespace listguard;
using listguard::test::fixed_server_key;

namespace {

// A chain as the table holds it: events 1..n, each V2 with its id and
// previous link among its columns, linked under the audit key.
struct Chain {
    std::vector<SegmentEvent> events;
};

std::string canonical_of(std::int64_t id, const std::uint8_t* prev, const std::string& kind)
{
    CanonicalEvent c;
    c.add_int64(id);                   // id
    c.add_int64(800000000000000 + id); // logged_at
    c.add_text(kind);                  // kind
    c.add_text("postgres");            // session user
    c.add_text("postgres");            // current user
    c.add_null();                      // client_addr
    c.add_null();                      // application_name
    c.add_int64(4242);                 // backend_pid
    c.add_null();                      // xid
    c.add_int64(1);                    // account
    c.add_null();                      // list
    c.add_text("public.subs");         // relation
    c.begin_array(1);                  // email_digests
    c.add_text(std::string(16, 'd'));
    c.add_text("{\"rows\": 1}");                                                  // counts
    c.add_text("{}");                                                             // detail
    c.add_text(std::string_view(reinterpret_cast<const char*>(prev), kLinkSize)); // prev_link
    c.add_null();                                                                 // origin
    c.add_int64(2);                                                               // format
    return c.bytes();
}

Chain make_chain(KeyedDigest& key, std::int64_t n)
{
    Chain chain;
    std::uint8_t prev[kLinkSize] = {};
    for (std::int64_t id = 1; id <= n; id++) {
        SegmentEvent e;
        e.id = id;
        e.canonical = canonical_of(id, prev, id % 3 == 0 ? "clear_reveal" : "rows_changed");
        key.compute(std::string_view(reinterpret_cast<const char*>(prev), kLinkSize), e.canonical, e.link, kLinkSize);
        std::memcpy(prev, e.link, kLinkSize);
        chain.events.push_back(e);
    }
    return chain;
}

std::string segment_of(KeyedDigest& key, const Chain& chain, std::int64_t first, std::int64_t last)
{
    SegmentHeader h;
    h.source = "cluster 7312 database 16384";
    h.first_id = first;
    h.last_id = last;
    if (first > 1)
        std::memcpy(h.entry_link, chain.events[first - 2].link, kLinkSize);
    std::memcpy(h.exit_link, chain.events[last - 1].link, kLinkSize);
    h.events = last - first + 1;
    h.archived_at = 810000000000000;
    std::uint8_t seal[kLinkSize];
    seal_segment(key, h, seal);
    std::string out = render_segment_header(h);
    for (std::int64_t id = first; id <= last; id++)
        out += render_segment_event(chain.events[id - 1]);
    return out + render_segment_trailer(h, seal);
}

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        lines.push_back(line);
    return lines;
}

std::string joined(const std::vector<std::string>& lines)
{
    std::string out;
    for (const auto& l : lines)
        out += l + "\n";
    return out;
}

struct Result {
    bool ok;
    std::string problem;
    std::int64_t first_broken;
    std::int64_t checked;
};

Result verify(KeyedDigest& key, const std::string& text)
{
    SegmentVerifier v(key);
    for (const auto& line : lines_of(text))
        if (!v.feed(line))
            break;
    v.finish();
    return {v.ok(), v.problem(), v.first_broken(), v.checked()};
}

KeyedDigest& audit_key()
{
    static KeyedDigest* key = new KeyedDigest(derive_key(fixed_server_key(), "listguard audit v1", 32));
    return *key;
}

} // namespace

TEST(AuditSegment, ASegmentOfTheChainVerifies)
{
    Chain chain = make_chain(audit_key(), 50);
    Result first = verify(audit_key(), segment_of(audit_key(), chain, 1, 20));
    EXPECT_TRUE(first.ok) << first.problem;
    EXPECT_EQ(first.checked, 20);
    Result middle = verify(audit_key(), segment_of(audit_key(), chain, 21, 50));
    EXPECT_TRUE(middle.ok) << middle.problem;
    EXPECT_EQ(middle.checked, 30);
}

TEST(AuditSegment, EveryEditOfAnEventIsFound)
{
    Chain chain = make_chain(audit_key(), 10);
    std::vector<std::string> lines = lines_of(segment_of(audit_key(), chain, 1, 10));
    // The event lines are 5..14; edit each one's base64 in turn (one character).
    for (std::size_t i = 5; i < 15; i++) {
        std::vector<std::string> edited = lines;
        std::string& line = edited[i];
        std::size_t at = line.rfind(' ') + 5;
        line[at] = line[at] == 'A' ? 'B' : 'A';
        Result r = verify(audit_key(), joined(edited));
        EXPECT_FALSE(r.ok) << "line " << i;
        EXPECT_EQ(r.first_broken, static_cast<std::int64_t>(i - 4)) << r.problem;
    }
}

TEST(AuditSegment, DeletedReorderedInsertedAndCutEventsAreFound)
{
    Chain chain = make_chain(audit_key(), 10);
    std::vector<std::string> lines = lines_of(segment_of(audit_key(), chain, 1, 10));
    // Lines 0..4 are the header, 5..14 events 1..10, 15..18 the trailer.

    std::vector<std::string> deleted = lines;
    deleted.erase(deleted.begin() + 9); // event 5
    Result r = verify(audit_key(), joined(deleted));
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.first_broken, 5) << r.problem;

    std::vector<std::string> swapped = lines;
    std::swap(swapped[8], swapped[9]); // events 4 and 5
    r = verify(audit_key(), joined(swapped));
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.first_broken, 4) << r.problem;

    // The last two events gone, and the trailer left as it was.
    std::vector<std::string> cut = lines;
    cut.erase(cut.begin() + 13, cut.begin() + 15);
    r = verify(audit_key(), joined(cut));
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.problem.find("events 9 to 10 are missing"), std::string::npos) << r.problem;

    // Cut before the trailer: the seal is missing.
    std::vector<std::string> no_trailer(lines.begin(), lines.begin() + 15);
    r = verify(audit_key(), joined(no_trailer));
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.problem.find("ends before its seal"), std::string::npos) << r.problem;

    // An event of another chain, with the next id: its link is not the
    // chain's; and it lies beyond the trailer's last id.
    Chain other = make_chain(audit_key(), 11);
    other.events[10].canonical[3] ^= 1;
    std::vector<std::string> added = lines;
    std::string line = render_segment_event(other.events[10]);
    line.pop_back();
    added.insert(added.begin() + 15, line);
    r = verify(audit_key(), joined(added));
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.first_broken, 11) << r.problem;
}

TEST(AuditSegment, TheHeaderIsSealed)
{
    Chain chain = make_chain(audit_key(), 10);
    std::vector<std::string> lines = lines_of(segment_of(audit_key(), chain, 1, 10));
    for (std::size_t field : {1, 2, 3, 4, 15, 16, 18}) {
        std::vector<std::string> edited = lines;
        std::string& line = edited[field];
        char& c = line.back();
        c = c == '1' ? '2' : '1';
        Result r = verify(audit_key(), joined(edited));
        EXPECT_FALSE(r.ok) << "header line " << field;
    }
    // Another keyring's segment is refused from its first event.
    KeyedDigest other(derive_key(fixed_server_key(9), "listguard audit v1", 32));
    Result r = verify(other, segment_of(audit_key(), chain, 1, 10));
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.first_broken, 1) << r.problem;
    // A header edited (its time) is caught by the seal, at the end.
    std::vector<std::string> later = lines;
    later[4] = "archived_at 810000000000001";
    r = verify(audit_key(), joined(later));
    EXPECT_FALSE(r.ok);
    EXPECT_NE(r.problem.find("not sealed by this keyring"), std::string::npos) << r.problem;
    // The trailer moved back to cover fewer events (the last ones cut) is
    // not sealed either: its fields are.
    std::vector<std::string> shorter = lines;
    shorter.erase(shorter.begin() + 14);
    shorter[14] = "last_id 9";
    shorter[15] = "exit_link " + lines[13].substr(lines[13].find(' ', 8) + 1, 64);
    shorter[16] = "events 9";
    r = verify(audit_key(), joined(shorter));
    EXPECT_FALSE(r.ok);
}

TEST(AuditSegment, ASegmentMovedElsewhereInTheChainDoesNotVerify)
{
    Chain chain = make_chain(audit_key(), 30);
    // Events 11..20 under a header that says they start the chain (entry
    // link zero), sealed by someone with the key: the first event names
    // event 10's link, not zero.
    SegmentHeader h;
    h.source = "x";
    h.first_id = 11;
    h.last_id = 20;
    std::memcpy(h.exit_link, chain.events[19].link, kLinkSize);
    h.events = 10;
    std::uint8_t seal[kLinkSize];
    seal_segment(audit_key(), h, seal);
    std::string text = render_segment_header(h);
    for (int id = 11; id <= 20; id++)
        text += render_segment_event(chain.events[id - 1]);
    text += render_segment_trailer(h, seal);
    Result r = verify(audit_key(), text);
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.first_broken, 11);
}

TEST(AuditSegment, SegmentsChainByIdAndLink)
{
    Chain chain = make_chain(audit_key(), 30);
    auto header = [&](std::int64_t first, std::int64_t last) {
        SegmentReader reader;
        for (const auto& line : lines_of(segment_of(audit_key(), chain, first, last)))
            reader.feed(line);
        return reader.header();
    };
    SegmentHeader a = header(1, 10), b = header(11, 20), c = header(21, 30);
    EXPECT_EQ(segment_gap(a, b), "");
    EXPECT_EQ(segment_gap(b, c), "");
    EXPECT_NE(segment_gap(a, c).find("events 11 to 20 are missing"), std::string::npos) << segment_gap(a, c);
    EXPECT_NE(segment_gap(b, a).find("reordered"), std::string::npos) << segment_gap(b, a);
    SegmentHeader forged = b;
    forged.entry_link[0] ^= 1;
    EXPECT_NE(segment_gap(a, forged), "");
}

TEST(AuditSegment, MalformedLinesAreRefusedByNumberNotContent)
{
    Chain chain = make_chain(audit_key(), 3);
    std::vector<std::string> lines = lines_of(segment_of(audit_key(), chain, 1, 3));
    // Lines 0..4 are the header, 5..7 the events, 8..11 the trailer.
    const std::vector<std::string> bad = {"",
                                          "event",
                                          "event 1 2",
                                          "event x 2 00 AA==",
                                          "event 1 3 00 AA==",
                                          "event 1 2 " + std::string(64, 'g') + " AA==",
                                          "seal",
                                          "seal x",
                                          "source",
                                          "secret@example.com",
                                          "events 7"};
    for (const std::string& b : bad) {
        for (std::size_t at : {std::size_t(0), std::size_t(2), std::size_t(4), std::size_t(5), std::size_t(11)}) {
            std::vector<std::string> edited = lines;
            edited[at] = b;
            SegmentReader reader;
            std::string detail = "no error";
            try {
                for (const auto& line : edited)
                    reader.feed(line);
            } catch (const Error& e) {
                EXPECT_EQ(e.kind(), ErrorKind::DataCorrupted);
                detail = e.detail();
            }
            EXPECT_NE(detail, "no error") << "'" << b << "' at line " << at;
            EXPECT_EQ(detail.find("@"), std::string::npos) << detail;
            EXPECT_EQ(detail.find("Line " + std::to_string(at + 1) + ":"), 0u) << detail;
        }
    }
    // Nothing after the seal.
    std::vector<std::string> more = lines;
    more.push_back("events 3");
    SegmentReader r1;
    EXPECT_THROW(
        {
            for (const auto& line : more)
                r1.feed(line);
        },
        Error);
    // Base64 must be canonical and padded.
    std::vector<std::string> loose = lines;
    loose[5] = loose[5].substr(0, loose[5].rfind(' ')) + " AB=";
    SegmentReader r2;
    EXPECT_THROW(
        {
            for (const auto& line : loose)
                r2.feed(line);
        },
        Error);
}

TEST(AuditSegment, CanonicalBytesDecodeIntoColumns)
{
    std::uint8_t prev[kLinkSize];
    for (std::size_t i = 0; i < kLinkSize; i++)
        prev[i] = static_cast<std::uint8_t>(i);
    std::string bytes = canonical_of(77, prev, "denied");
    std::vector<CanonicalColumn> columns = decode_canonical(ChainEncoding::V2, bytes);
    ASSERT_EQ(columns.size(), 18u);
    std::int64_t id = 0;
    EXPECT_TRUE(canonical_integer(columns[kCanonicalIdColumn], &id));
    EXPECT_EQ(id, 77);
    EXPECT_EQ(columns[2].text, "denied");
    EXPECT_EQ(columns[5].kind, CanonicalColumn::Null);
    ASSERT_EQ(columns[12].kind, CanonicalColumn::Array);
    EXPECT_EQ(columns[12].items.size(), 1u);
    EXPECT_EQ(columns[kCanonicalPrevLinkColumn].text, std::string_view(reinterpret_cast<const char*>(prev), kLinkSize));

    CanonicalEvent v1(ChainEncoding::V1);
    v1.add_int64(5);
    v1.add_null();
    v1.add_text("abc");
    std::vector<CanonicalColumn> old = decode_canonical(ChainEncoding::V1, v1.bytes());
    ASSERT_EQ(old.size(), 3u);
    EXPECT_TRUE(canonical_integer(old[0], &id));
    EXPECT_EQ(id, 5);
    EXPECT_EQ(old[1].kind, CanonicalColumn::Null);
    EXPECT_EQ(old[2].text, "abc");

    // Cut anywhere: malformed, or (at a field's end) fewer columns.
    for (std::size_t cut = 1; cut < bytes.size(); cut++) {
        try {
            EXPECT_LT(decode_canonical(ChainEncoding::V2, bytes.substr(0, bytes.size() - cut)).size(), 18u) << cut;
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::DataCorrupted);
        }
    }
    std::string huge_array = std::string(1, 2) + "A" + std::string("\xff\xff\xff\xff", 4);
    EXPECT_THROW(decode_canonical(ChainEncoding::V2, huge_array), Error);
}

TEST(AuditSegment, FileNamesSortInChainOrder)
{
    EXPECT_EQ(segment_file_name(16384, 1, 1000), "audit-16384-0000000000000000001-0000000000000001000.lgseg");
    EXPECT_LT(segment_file_name(16384, 999, 1000), segment_file_name(16384, 1001, 5000));
}
