// The records of an audit chain's head: the anchor file
// (core/audit/anchor.h) and the sealed head that dumps carry
// (core/audit/head.h).
//
// parse_anchor on any record, as read from the anchor file (up to 128
// octets; a crash while it was rewritten can leave anything there): a
// present anchor has a positive id, and formatting it gives a record that
// parses back to it; an anchor made from the input (any id, any link)
// formats to 128 octets ending with a newline, which parses back to it when
// its id is positive and to no anchor otherwise.
//
// A head made from the input (id, link, time, source) is valid under its
// seal; edited (fuzz.h) in any field or in its seal, or with a longer
// source, it is not, unless the edits cancelled out: a restored dump cannot
// move its head without the key.
#include <cstring>
#include <string>
#include <vector>

#include "core/audit/anchor.h"
#include "core/audit/head.h"
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

// A head and its seal as one buffer: id, link, time, seal, source.
constexpr std::size_t kFixed = 8 + kLinkSize + 8;

std::vector<std::uint8_t> head_bytes(const AuditHead& head, const std::uint8_t* seal)
{
    std::vector<std::uint8_t> bytes(kFixed + kLinkSize + head.source.size());
    std::memcpy(bytes.data(), &head.last_id, 8);
    std::memcpy(bytes.data() + 8, head.link, kLinkSize);
    std::memcpy(bytes.data() + 8 + kLinkSize, &head.as_of, 8);
    std::memcpy(bytes.data() + kFixed, seal, kLinkSize);
    std::memcpy(bytes.data() + kFixed + kLinkSize, head.source.data(), head.source.size());
    return bytes;
}

AuditHead head_of(const std::vector<std::uint8_t>& bytes)
{
    AuditHead head;
    std::memcpy(&head.last_id, bytes.data(), 8);
    std::memcpy(head.link, bytes.data() + 8, kLinkSize);
    std::memcpy(&head.as_of, bytes.data() + 8 + kLinkSize, 8);
    head.source.assign(reinterpret_cast<const char*>(bytes.data()) + kFixed + kLinkSize,
                       bytes.size() - kFixed - kLinkSize);
    return head;
}

// Input: the head's id, link and time (48 octets, zero-padded), its source
// (up to 64 octets), then edits.
void check_head(const std::uint8_t* data, std::size_t size)
{
    std::uint8_t fixed[kFixed] = {};
    std::memcpy(fixed, data, size < kFixed ? size : kFixed);
    std::size_t source_end = size < kFixed + 64 ? size : kFixed + 64;
    std::vector<std::uint8_t> plain(kFixed + kLinkSize, 0);
    std::memcpy(plain.data(), fixed, kFixed);
    AuditHead head = head_of(plain);
    if (source_end > kFixed)
        head.source.assign(reinterpret_cast<const char*>(data) + kFixed, source_end - kFixed);

    KeyedDigest& key = fuzz::fixed_keyring().audit();
    std::uint8_t seal[kLinkSize];
    seal_head(key, head, seal);
    FUZZ_CHECK(head_seal_valid(key, head, seal));

    std::vector<std::uint8_t> original = head_bytes(head, seal);
    std::vector<std::uint8_t> edited = original;
    if (size > source_end)
        fuzz::apply_edits(data + source_end, size - source_end, edited.data(), edited.size());
    AuditHead changed = head_of(edited);
    FUZZ_CHECK(head_seal_valid(key, changed, edited.data() + kFixed) == (edited == original));
    changed = head;
    changed.source += '\0';
    FUZZ_CHECK(!head_seal_valid(key, changed, seal));
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
    check_head(data, size);
    return 0;
}
