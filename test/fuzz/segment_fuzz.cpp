// Archived audit segments (core/audit/segment.h) and the counts of
// rows_changed events (core/audit/aggregate.h): what archive_audit() writes
// and verify_audit_archive() reads back from a file anyone with access to
// the archive directory may have edited, and what the writer merges.
//
// The input's first octet chooses:
//  - a segment file (the rest, split into lines): reading it either
//    throws Error(DataCorrupted) or gives a header whose fields make sense;
//    verifying it never crashes, and a segment it accepts has a header
//    sealed by the keyring and every event of first..last linked;
//  - a segment this target makes (events whose fields come from the
//    input), then edited (fuzz.h): it verifies unedited, and edited it does
//    not, unless the edits cancelled out or only touched what no check
//    covers (nothing: every line is sealed, linked or counted);
//  - counts: parsing them either fails or gives counts that render into
//    chunks within their room which parse back to the same sums.
#include <cstring>
#include <string>
#include <vector>

#include "core/audit/aggregate.h"
#include "core/audit/segment.h"
#include "fuzz.h"

using namespace listguard;

namespace {

std::vector<std::string_view> lines_of(std::string_view text)
{
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        std::size_t nl = text.find('\n');
        lines.push_back(text.substr(0, nl));
        if (nl == std::string_view::npos)
            break;
        text.remove_prefix(nl + 1);
    }
    return lines;
}

void read_file(std::string_view text)
{
    SegmentReader reader;
    try {
        for (std::string_view line : lines_of(text))
            if (reader.feed(line) == SegmentReader::Line::Event)
                FUZZ_CHECK(reader.event().id > 0);
        if (reader.complete()) {
            const SegmentHeader& h = reader.header();
            FUZZ_CHECK(h.first_id > 0 && h.last_id >= h.first_id && h.events == h.last_id - h.first_id + 1);
        }
    } catch (const Error& e) {
        FUZZ_CHECK(e.kind() == ErrorKind::DataCorrupted);
    }
    SegmentVerifier verifier(fuzz::fixed_keyring().audit());
    for (std::string_view line : lines_of(text))
        if (!verifier.feed(line))
            break;
    if (verifier.finish()) {
        const SegmentHeader& h = verifier.header();
        FUZZ_CHECK(verifier.checked() == h.events);
        FUZZ_CHECK(segment_seal_valid(fuzz::fixed_keyring().audit(), h, verifier.reader().seal()));
    }
}

std::string made_segment(const std::uint8_t* data, std::size_t size)
{
    KeyedDigest& key = fuzz::fixed_keyring().audit();
    std::uint8_t entry[kLinkSize] = {};
    std::int64_t first = 1 + (size > 0 ? data[0] : 0);
    if (size > 1)
        std::memset(entry, data[1], kLinkSize);
    std::uint8_t prev[kLinkSize];
    std::memcpy(prev, entry, kLinkSize);
    int count = 1 + (size > 2 ? data[2] % 4 : 0);
    std::string body;
    for (int i = 0; i < count; i++) {
        SegmentEvent e;
        e.id = first + i;
        CanonicalEvent c;
        c.add_int64(e.id);
        for (std::size_t column = 1; column < kCanonicalPrevLinkColumn; column++) {
            std::size_t at = 3 + column + 16 * static_cast<std::size_t>(i);
            if (at < size && data[at] % 3 == 0)
                c.add_null();
            else
                c.add_text(std::string(at < size ? data[at] % 7 : 1, 'x'));
        }
        c.add_text(std::string_view(reinterpret_cast<const char*>(prev), kLinkSize));
        c.add_null();
        c.add_int64(2);
        e.canonical = c.bytes();
        key.compute(std::string_view(reinterpret_cast<const char*>(prev), kLinkSize), e.canonical, e.link, kLinkSize);
        std::memcpy(prev, e.link, kLinkSize);
        body += render_segment_event(e);
    }
    SegmentHeader h;
    h.source = "cluster 1 database 2";
    h.first_id = first;
    h.last_id = first + count - 1;
    std::memcpy(h.entry_link, entry, kLinkSize);
    std::memcpy(h.exit_link, prev, kLinkSize);
    h.events = count;
    std::uint8_t seal[kLinkSize];
    seal_segment(key, h, seal);
    return render_segment_header(h) + body + render_segment_trailer(h, seal);
}

bool verifies(std::string_view text)
{
    SegmentVerifier verifier(fuzz::fixed_keyring().audit());
    for (std::string_view line : lines_of(text))
        if (!verifier.feed(line))
            return false;
    return verifier.finish();
}

void check_made(const std::uint8_t* data, std::size_t size)
{
    std::string made = made_segment(data, size < 80 ? size : 80);
    FUZZ_CHECK(verifies(made));
    if (size <= 80)
        return;
    std::string edited = made;
    fuzz::apply_edits(data + 80, size - 80, reinterpret_cast<std::uint8_t*>(edited.data()), edited.size());
    if (edited != made)
        FUZZ_CHECK(!verifies(edited));
}

void check_counts(std::string_view text)
{
    RowCounts counts;
    if (!parse_row_counts(text, &counts))
        return;
    RowCounts back;
    for (const std::string& chunk : render_row_counts(counts, 400)) {
        FUZZ_CHECK(chunk.size() <= 400);
        RowCounts part;
        FUZZ_CHECK(parse_row_counts(chunk, &part));
        back.add(part);
    }
    FUZZ_CHECK(back.rows() == counts.rows());
    FUZZ_CHECK(back.rolled_back_rows() == counts.rolled_back_rows());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    switch (data[0] % 3) {
    case 0:
        read_file(fuzz::text_of(data + 1, size - 1));
        break;
    case 1:
        check_made(data + 1, size - 1);
        break;
    default:
        check_counts(fuzz::text_of(data + 1, size - 1));
        break;
    }
    return 0;
}
