// The audit anchor record (core/audit/anchor.h): parse_anchor on any
// record, as read from the anchor file (up to 128 octets; a crash while it
// was rewritten can leave anything there).
//
// Invariants: a present anchor has a positive id, and formatting it gives a
// record that parses back to it; an anchor made from the input (any id, any
// link) formats to 128 octets ending with a newline, which parses back to
// it when its id is positive and to no anchor otherwise.
#include <cstring>

#include "core/audit/anchor.h"
#include "fuzz.h"

using namespace listguard;

namespace {

bool same(const Anchor& a, const Anchor& b)
{
    return a.id == b.id && std::memcmp(a.link, b.link, kLinkSize) == 0;
}

void check_round_trip(const Anchor& anchor)
{
    char record[kAnchorRecordSize];
    format_anchor(anchor, record);
    FUZZ_CHECK(record[kAnchorRecordSize - 1] == '\n');
    FUZZ_CHECK(std::memchr(record, '\0', sizeof record) == nullptr);
    Anchor again = parse_anchor({record, sizeof record});
    if (anchor.id > 0)
        FUZZ_CHECK(same(again, anchor));
    else
        FUZZ_CHECK(!again.present());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view record = fuzz::text_of(data, size < kAnchorRecordSize ? size : kAnchorRecordSize);
    Anchor anchor = parse_anchor(record);
    if (anchor.present())
        check_round_trip(anchor);
    else
        FUZZ_CHECK(anchor.id == 0);

    Anchor made;
    if (size >= sizeof made.id + kLinkSize) {
        std::memcpy(&made.id, data, sizeof made.id);
        std::memcpy(made.link, data + sizeof made.id, kLinkSize);
        check_round_trip(made);
    }
    return 0;
}
