// The audit trail's tamper evidence: every event carries a link, an
// HMAC-SHA-256 over the previous event's link and the event's canonical
// bytes. Changing, removing, reordering or inserting an event breaks the
// chain from that point; the last link, kept outside the table (the anchor),
// shows a truncated tail.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto/keyed_digest.h"

namespace listguard {

constexpr std::size_t kLinkSize = 32;

// The canonical encodings, recorded per event (audit_log.format) so that
// an event is always checked with the encoding it was linked with.
//
// Version 1 (listguard 0.1): each field as a 4-octet big-endian length and
// its octets, a null field as length 0xFFFFFFFF; an array of digests as the
// concatenation of its elements. Ambiguous for arrays (two 8-octet elements
// encode like one 16-octet element; null elements vanish).
//
// Version 2: a version octet, then each field as a type octet and its
// encoding: 'N' null; 'T' text or octets (4-octet length, octets); 'I' a
// 64-bit integer (8 octets, big-endian); 'A' an array (4-octet element
// count, then each element as a field). Every field of every type has
// exactly one encoding, and the fields are all the table's columns but the
// link, in table order.
enum class ChainEncoding : std::uint8_t { V1 = 1, V2 = 2 };
constexpr ChainEncoding kCurrentChainEncoding = ChainEncoding::V2;

class CanonicalEvent {
public:
    explicit CanonicalEvent(ChainEncoding encoding = kCurrentChainEncoding);

    void add_text(std::string_view value);
    void add_int64(std::int64_t value);
    void add_null();
    // An array of `count` elements; the next `count` fields added are its
    // elements. In version 1, add the concatenation of the elements instead.
    void begin_array(std::uint32_t count);

    ChainEncoding encoding() const noexcept { return encoding_; }
    const std::string& bytes() const noexcept { return bytes_; }

private:
    void add_length(std::uint32_t length);
    ChainEncoding encoding_;
    std::string bytes_;
};

// One column of an event's canonical bytes, decoded: what an archived event
// (core/audit/segment.h) holds and is checked by. In version 1 every
// non-null column is Text (an integer as its 8 octets, an array as its
// elements' octets concatenated); in version 2 integers are Integer and an
// array column is Array with its elements in `items`.
struct CanonicalColumn {
    enum Kind : std::uint8_t { Null, Integer, Text, Array } kind = Null;
    std::int64_t integer = 0;
    std::string_view text; // points into the decoded bytes
    std::vector<CanonicalColumn> items;
};

// Decodes canonical bytes into their columns; throws
// Error(DataCorrupted) if they are not a whole encoding of that version.
std::vector<CanonicalColumn> decode_canonical(ChainEncoding encoding, std::string_view bytes);

// A column as a 64-bit integer: an Integer, or (version 1) a Text of 8
// octets, big-endian. False if it is neither.
bool canonical_integer(const CanonicalColumn& column, std::int64_t* out) noexcept;

// link = HMAC(audit key, previous link || canonical bytes). The first event
// of a chain has an all-zero previous link.
void chain_link(KeyedDigest& audit_key, const std::uint8_t* previous, const CanonicalEvent& event, std::uint8_t* out);

// Compares two links in constant time.
bool links_equal(const std::uint8_t* a, const std::uint8_t* b) noexcept;

} // namespace listguard
