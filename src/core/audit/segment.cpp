#include "core/audit/segment.h"

#include <charconv>
#include <cstdio>
#include <cstring>

#include "core/audit/anchor.h"
#include "core/base/error.h"

namespace listguard {

namespace {

constexpr std::string_view kMagic = "listguard audit segment 1";
constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

CanonicalEvent canonical_header(const SegmentHeader& h)
{
    CanonicalEvent fields;
    fields.add_text("listguard audit segment v1");
    fields.add_text(h.source);
    fields.add_int64(h.first_id);
    fields.add_int64(h.last_id);
    fields.add_text(std::string_view(reinterpret_cast<const char*>(h.entry_link), kLinkSize));
    fields.add_text(std::string_view(reinterpret_cast<const char*>(h.exit_link), kLinkSize));
    fields.add_int64(h.events);
    fields.add_int64(h.archived_at);
    return fields;
}

std::string hex(const std::uint8_t* link)
{
    char out[kLinkHexSize + 1];
    link_to_hex(link, out);
    return std::string(out, kLinkHexSize);
}

bool parse_hex_link(std::string_view text, std::uint8_t* out) noexcept
{
    if (text.size() != kLinkHexSize)
        return false;
    for (std::size_t i = 0; i < kLinkSize; i++) {
        int octet = 0;
        for (int j = 0; j < 2; j++) {
            char c = text[2 * i + j];
            int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (v < 0)
                return false; // lower case only: one spelling per link
            octet = octet * 16 + v;
        }
        out[i] = static_cast<std::uint8_t>(octet);
    }
    return true;
}

bool parse_int(std::string_view text, std::int64_t* out) noexcept
{
    if (text.empty() || (text.size() > 1 && text[0] == '0') || text[0] == '+')
        return false;
    auto r = std::from_chars(text.data(), text.data() + text.size(), *out);
    return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

std::string base64(std::string_view in)
{
    std::string out;
    out.reserve((in.size() + 2) / 3 * 4);
    std::size_t i = 0;
    auto at = [&](std::size_t k) { return static_cast<std::uint32_t>(static_cast<std::uint8_t>(in[k])); };
    for (; i + 3 <= in.size(); i += 3) {
        std::uint32_t v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
        for (int s = 18; s >= 0; s -= 6)
            out.push_back(kBase64[(v >> s) & 63]);
    }
    if (i + 1 == in.size()) {
        std::uint32_t v = at(i) << 16;
        out.push_back(kBase64[(v >> 18) & 63]);
        out.push_back(kBase64[(v >> 12) & 63]);
        out += "==";
    } else if (i + 2 == in.size()) {
        std::uint32_t v = (at(i) << 16) | (at(i + 1) << 8);
        out.push_back(kBase64[(v >> 18) & 63]);
        out.push_back(kBase64[(v >> 12) & 63]);
        out.push_back(kBase64[(v >> 6) & 63]);
        out.push_back('=');
    }
    return out;
}

int base64_value(char c) noexcept
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

// Strict: padded, canonical (unused bits zero), nothing else.
bool unbase64(std::string_view in, std::string* out)
{
    if (in.size() % 4 != 0)
        return false;
    out->clear();
    out->reserve(in.size() / 4 * 3);
    for (std::size_t i = 0; i < in.size(); i += 4) {
        bool last = i + 4 == in.size();
        int pad = 0;
        if (last && in[i + 3] == '=')
            pad = in[i + 2] == '=' ? 2 : 1;
        std::uint32_t v = 0;
        for (int j = 0; j < 4; j++) {
            if (j >= 4 - pad) {
                v <<= 6;
                continue;
            }
            int d = base64_value(in[i + j]);
            if (d < 0)
                return false;
            v = (v << 6) | static_cast<std::uint32_t>(d);
        }
        if ((pad == 1 && (v & 0xff) != 0) || (pad == 2 && (v & 0xffff) != 0))
            return false;
        out->push_back(static_cast<char>((v >> 16) & 0xff));
        if (pad < 2)
            out->push_back(static_cast<char>((v >> 8) & 0xff));
        if (pad < 1)
            out->push_back(static_cast<char>(v & 0xff));
    }
    return true;
}

// The words of a line, split at single spaces.
std::size_t split(std::string_view line, std::string_view* words, std::size_t max)
{
    std::size_t n = 0;
    while (n < max) {
        std::size_t space = line.find(' ');
        words[n++] = line.substr(0, space);
        if (space == std::string_view::npos)
            return n;
        line.remove_prefix(space + 1);
    }
    return max + 1; // more words than expected
}

std::string id_text(std::int64_t id)
{
    return std::to_string(id);
}

} // namespace

void seal_segment(KeyedDigest& audit_key, const SegmentHeader& header, std::uint8_t* seal_out)
{
    audit_key.compute(canonical_header(header).bytes(), seal_out, kLinkSize);
}

bool segment_seal_valid(KeyedDigest& audit_key, const SegmentHeader& header, const std::uint8_t* seal)
{
    std::uint8_t expected[kLinkSize];
    seal_segment(audit_key, header, expected);
    return links_equal(expected, seal);
}

std::string segment_file_name(std::uint32_t database, std::int64_t first_id, std::int64_t last_id)
{
    char name[96];
    std::snprintf(name, sizeof name, "audit-%u-%019lld-%019lld.lgseg", database, static_cast<long long>(first_id),
                  static_cast<long long>(last_id));
    return name;
}

std::string render_segment_header(const SegmentHeader& h)
{
    std::string out;
    out += kMagic;
    out += "\nsource " + h.source;
    out += "\nfirst_id " + id_text(h.first_id);
    out += "\nentry_link " + hex(h.entry_link);
    out += "\narchived_at " + id_text(h.archived_at);
    out += "\n";
    return out;
}

std::string render_segment_event(const SegmentEvent& e)
{
    return "event " + id_text(e.id) + " " + std::to_string(static_cast<int>(e.encoding)) + " " + hex(e.link) + " " +
           base64(e.canonical) + "\n";
}

std::string render_segment_trailer(const SegmentHeader& h, const std::uint8_t* seal)
{
    return "last_id " + id_text(h.last_id) + "\nexit_link " + hex(h.exit_link) + "\nevents " + id_text(h.events) +
           "\nseal " + hex(seal) + "\n";
}

bool parse_segment_event(std::string_view line, SegmentEvent* event)
{
    if (line.substr(0, 6) != "event ")
        return false;
    std::string_view words[5];
    std::int64_t format = 0;
    if (split(line, words, 5) != 5 || !parse_int(words[1], &event->id) || event->id <= 0 ||
        !parse_int(words[2], &format) || (format != 1 && format != 2) || !parse_hex_link(words[3], event->link) ||
        !unbase64(words[4], &event->canonical))
        throw Error(ErrorKind::DataCorrupted, "audit segment is malformed", "An event line does not hold an event.");
    event->encoding = static_cast<ChainEncoding>(format);
    return true;
}

void SegmentReader::malformed(const char* why) const
{
    throw Error(ErrorKind::DataCorrupted, "audit segment is malformed",
                "Line " + std::to_string(line_number_) + ": " + why);
}

namespace {

// "name value": the value, or false if the line is not that field.
bool field(std::string_view line, std::string_view name, std::string_view* value)
{
    if (line.size() <= name.size() || line.substr(0, name.size()) != name || line[name.size()] != ' ')
        return false;
    *value = line.substr(name.size() + 1);
    return true;
}

} // namespace

SegmentReader::Line SegmentReader::feed(std::string_view line)
{
    line_number_++;
    if (complete())
        malformed("there is more after the seal.");
    std::string_view value;
    if (header_lines_ < kHeaderLines) {
        bool ok = true;
        switch (header_lines_) {
        case 0:
            if (line != kMagic)
                malformed("the file does not start as a listguard audit segment of a version this listguard reads.");
            break;
        case 1:
            ok = field(line, "source", &value) && value.find('\0') == std::string_view::npos;
            header_.source = std::string(value);
            break;
        case 2:
            ok = field(line, "first_id", &value) && parse_int(value, &header_.first_id) && header_.first_id > 0;
            break;
        case 3:
            ok = field(line, "entry_link", &value) && parse_hex_link(value, header_.entry_link);
            break;
        case 4:
            ok = field(line, "archived_at", &value) && parse_int(value, &header_.archived_at);
            break;
        }
        if (!ok)
            malformed("a header field is missing, out of its place, or not what that field holds.");
        header_lines_++;
        return Line::Header;
    }
    if (trailer_lines_ == 0 && line.substr(0, 6) == "event ") {
        bool ok = false;
        try {
            ok = parse_segment_event(line, &event_) && event_.id == header_.first_id + events_read_;
        } catch (const Error&) {
            ok = false;
        }
        if (!ok)
            malformed("an event line is not an event of this segment in its place.");
        events_read_++;
        return Line::Event;
    }
    bool ok = true;
    switch (trailer_lines_) {
    case 0:
        ok =
            field(line, "last_id", &value) && parse_int(value, &header_.last_id) && header_.last_id >= header_.first_id;
        break;
    case 1:
        ok = field(line, "exit_link", &value) && parse_hex_link(value, header_.exit_link);
        break;
    case 2:
        ok = field(line, "events", &value) && parse_int(value, &header_.events) &&
             header_.events == header_.last_id - header_.first_id + 1;
        break;
    case 3:
        ok = field(line, "seal", &value) && parse_hex_link(value, seal_);
        break;
    }
    if (!ok)
        malformed("a trailer field is missing, out of its place, or not what that field holds.");
    trailer_lines_++;
    return Line::Trailer;
}

bool SegmentVerifier::fail(std::int64_t id, std::string problem)
{
    if (problem_.empty()) {
        problem_ = std::move(problem);
        first_broken_ = id;
    }
    return false;
}

bool SegmentVerifier::feed(std::string_view line)
{
    if (!ok())
        return false;
    SegmentReader::Line kind;
    try {
        kind = reader_.feed(line);
    } catch (const Error& e) {
        // An event line with another id than the next: say which event.
        return fail(previous_id_ + 1, std::string(e.what()) + ": " + e.detail());
    }
    const SegmentHeader& h = reader_.header();
    if (kind == SegmentReader::Line::Header) {
        if (reader_.header_complete()) {
            previous_id_ = h.first_id - 1;
            std::memcpy(previous_link_, h.entry_link, kLinkSize);
        }
        return true;
    }
    if (kind == SegmentReader::Line::Trailer) {
        if (!reader_.complete())
            return true;
        if (previous_id_ < h.last_id)
            return fail(previous_id_ + 1,
                        previous_id_ + 1 == h.last_id
                            ? "event " + id_text(h.last_id) + " is missing from the segment: its trailer records it"
                            : "events " + id_text(previous_id_ + 1) + " to " + id_text(h.last_id) +
                                  " are missing from the segment: its trailer records them");
        if (previous_id_ > h.last_id)
            return fail(h.last_id + 1, "events after event " + id_text(h.last_id) +
                                           ", the last its trailer records, were added to the segment");
        if (!segment_seal_valid(key_, h, reader_.seal()))
            return fail(h.first_id, "the segment's header or trailer is not sealed by this keyring: it was made or "
                                    "changed outside listguard");
        if (!links_equal(previous_link_, h.exit_link))
            return fail(h.last_id, "event " + id_text(h.last_id) + " differs from the segment's exit link");
        return true;
    }
    const SegmentEvent& e = reader_.event();
    std::vector<CanonicalColumn> columns;
    try {
        columns = decode_canonical(e.encoding, e.canonical);
    } catch (const Error&) {
        return fail(e.id, "event " + id_text(e.id) + " was modified: its encoding is malformed");
    }
    std::int64_t stated_id = 0;
    if (columns.size() <= kCanonicalPrevLinkColumn || !canonical_integer(columns[kCanonicalIdColumn], &stated_id) ||
        stated_id != e.id)
        return fail(e.id, "event " + id_text(e.id) + " was modified: its content does not name its id");
    const CanonicalColumn& prev = columns[kCanonicalPrevLinkColumn];
    if (prev.kind != CanonicalColumn::Text || prev.text.size() != kLinkSize ||
        !links_equal(reinterpret_cast<const std::uint8_t*>(prev.text.data()), previous_link_))
        return fail(e.id, e.id == h.first_id
                              ? "event " + id_text(e.id) +
                                    " does not follow the segment's entry link: the segment was moved or its first "
                                    "event changed"
                              : "event " + id_text(e.id) + " does not follow event " + id_text(previous_id_) +
                                    ": it was inserted, moved or changed");
    std::uint8_t link[kLinkSize];
    key_.compute(std::string_view(reinterpret_cast<const char*>(previous_link_), kLinkSize), e.canonical, link,
                 kLinkSize);
    if (!links_equal(link, e.link))
        return fail(e.id, "event " + id_text(e.id) + " was modified: its content does not match its link");
    std::memcpy(previous_link_, link, kLinkSize);
    previous_id_ = e.id;
    checked_++;
    return true;
}

bool SegmentVerifier::finish()
{
    if (!ok())
        return false;
    if (!reader_.header_complete())
        return fail(0, "the segment ends inside its header: it was cut");
    if (!reader_.complete())
        return fail(previous_id_ + 1,
                    "the segment ends before its seal: it was cut after event " + id_text(previous_id_));
    return true;
}

std::string segment_gap(const SegmentHeader& previous, const SegmentHeader& next)
{
    if (next.first_id > previous.last_id + 1)
        return "events " + id_text(previous.last_id + 1) + " to " + id_text(next.first_id - 1) +
               " are missing: no segment holds them (a segment was deleted)";
    if (next.first_id <= previous.last_id)
        return "the segment of events " + id_text(next.first_id) + " to " + id_text(next.last_id) +
               " overlaps or comes before the segment of events " + id_text(previous.first_id) + " to " +
               id_text(previous.last_id) + " (segments were reordered or copied)";
    if (!links_equal(previous.exit_link, next.entry_link))
        return "the segment of events " + id_text(next.first_id) + " to " + id_text(next.last_id) +
               " does not continue the chain where the segment before it ends";
    return {};
}

} // namespace listguard
