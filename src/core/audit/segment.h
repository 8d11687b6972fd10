// A segment of an archived audit chain: the events that
// listguard.archive_audit() took out of audit_log, in a file of their own,
// with the chain's head before them (the entry link) and after them (the
// exit link). Each event keeps its id, its link and its canonical bytes
// (core/audit/chain.h), so that the segment is checked as the table was:
// every link recomputed under the audit key, every event naming the one
// before it. The header is sealed with the audit key, so that a segment
// cannot be made, cut or moved elsewhere in the chain without it.
//
// The file is text, one record per line, written as the events are read
// (the head after them is known only at the end):
//
//   listguard audit segment 1
//   source cluster <system identifier> database <oid>
//   first_id <id>
//   entry_link <64 hex digits>      (all zero: the chain's first event)
//   archived_at <microseconds since 2000-01-01>
//   event <id> <format> <link, 64 hex digits> <canonical bytes, base64>
//   ...
//   last_id <id>
//   exit_link <64 hex digits>
//   events <count>
//   seal <64 hex digits>            (the last line)
//
// Segments chain: a segment's entry link is the previous one's exit link
// and its first id follows the previous one's last. So a segment deleted,
// cut, reordered or changed is found by reading the files alone; and the
// database's record of its archives (listguard.audit_archives) names the
// segments it made, so that the last one missing is found too.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/audit/chain.h"

namespace listguard {

// The columns of an event's canonical bytes that the chain checks (they
// follow listguard.audit_log's column order).
constexpr std::size_t kCanonicalIdColumn = 0;
constexpr std::size_t kCanonicalPrevLinkColumn = 15;

struct SegmentHeader {
    std::string source; // which chain: "cluster <system identifier> database <oid>"
    std::int64_t first_id = 0;
    std::int64_t last_id = 0;
    std::uint8_t entry_link[kLinkSize] = {}; // the link of event first_id - 1 (zero: none)
    std::uint8_t exit_link[kLinkSize] = {};  // the link of event last_id
    std::int64_t events = 0;                 // last_id - first_id + 1
    std::int64_t archived_at = 0;            // microseconds since 2000-01-01 (PostgreSQL's epoch)
};

struct SegmentEvent {
    std::int64_t id = 0;
    ChainEncoding encoding = kCurrentChainEncoding;
    std::uint8_t link[kLinkSize] = {};
    std::string canonical; // the event's canonical bytes (its link covers them)
};

// HMAC(audit key, "listguard audit segment v1" || the header's fields).
void seal_segment(KeyedDigest& audit_key, const SegmentHeader& header, std::uint8_t* seal_out);
bool segment_seal_valid(KeyedDigest& audit_key, const SegmentHeader& header, const std::uint8_t* seal);

// The file name of a segment of a database's chain: sorts in chain order.
std::string segment_file_name(std::uint32_t database, std::int64_t first_id, std::int64_t last_id);

// What a segment file holds, in this order: the header's lines, a line per
// event, the trailer's lines (with the seal); each ends in a newline.
std::string render_segment_header(const SegmentHeader& header);
std::string render_segment_event(const SegmentEvent& event);
std::string render_segment_trailer(const SegmentHeader& header, const std::uint8_t* seal);

// Whether a line is an event line, and if so the event it holds; throws
// Error(DataCorrupted) if it starts like one and is not. (SegmentReader
// checks more: that it is the next event of the segment.)
bool parse_segment_event(std::string_view line, SegmentEvent* event);

// Reads a segment line by line (without the newline), trusting nothing:
// every line is checked for its shape, the fields for their sense (ids
// positive, first <= last, the count theirs, the events numbered from the
// first). A malformed line throws Error(DataCorrupted) naming its line
// number, never its content.
class SegmentReader {
public:
    enum class Line { Header, Event, Trailer };
    Line feed(std::string_view line);

    bool header_complete() const noexcept { return header_lines_ == kHeaderLines; }
    bool complete() const noexcept { return trailer_lines_ == kTrailerLines; }
    std::int64_t line_number() const noexcept { return line_number_; }
    const SegmentHeader& header() const noexcept { return header_; }
    const std::uint8_t* seal() const noexcept { return seal_; }
    // The event the last feed() read (Line::Event).
    const SegmentEvent& event() const noexcept { return event_; }
    std::int64_t events_read() const noexcept { return events_read_; }

private:
    static constexpr int kHeaderLines = 5;
    static constexpr int kTrailerLines = 4;
    [[noreturn]] void malformed(const char* why) const;
    int header_lines_ = 0;
    int trailer_lines_ = 0;
    std::int64_t line_number_ = 0;
    std::int64_t events_read_ = 0;
    SegmentHeader header_;
    std::uint8_t seal_[kLinkSize] = {};
    SegmentEvent event_;
};

// Checks a segment as it is read: each event (its id the one after the
// previous, its previous link the previous event's link (the entry link
// for the first), its link recomputed from its canonical bytes), then at
// the trailer that the events reach its last id and exit link, and the
// seal over header and trailer. Stops at the first problem, which it
// describes in words (ids, never content).
class SegmentVerifier {
public:
    explicit SegmentVerifier(KeyedDigest& audit_key) : key_(audit_key) {}

    // False once a problem is found.
    bool feed(std::string_view line);
    // The file ended: false if it ended before its seal.
    bool finish();

    bool ok() const noexcept { return problem_.empty(); }
    const std::string& problem() const noexcept { return problem_; }
    std::int64_t first_broken() const noexcept { return first_broken_; } // 0: none
    std::int64_t checked() const noexcept { return checked_; }
    const SegmentHeader& header() const noexcept { return reader_.header(); }
    const SegmentReader& reader() const noexcept { return reader_; }

private:
    bool fail(std::int64_t id, std::string problem);
    KeyedDigest& key_;
    SegmentReader reader_;
    std::string problem_;
    std::int64_t first_broken_ = 0;
    std::int64_t checked_ = 0;
    std::int64_t previous_id_ = 0;
    std::uint8_t previous_link_[kLinkSize] = {};
};

// Whether `next` continues the chain where `previous` ends (first id and
// entry link); empty if so, else what is wrong, in words.
std::string segment_gap(const SegmentHeader& previous, const SegmentHeader& next);

} // namespace listguard
