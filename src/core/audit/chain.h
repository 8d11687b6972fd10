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

#include "core/crypto/keyed_digest.h"

namespace listguard {

constexpr std::size_t kLinkSize = 32;

// The canonical bytes of an event: each field as a 4-octet big-endian length
// and its octets; a null field as length 0xFFFFFFFF. Fields are added in a
// fixed order, so the same event always gives the same bytes.
class CanonicalEvent {
public:
    void add_text(std::string_view value);
    void add_int64(std::int64_t value);
    void add_null();
    const std::string& bytes() const noexcept { return bytes_; }

private:
    void add_length(std::uint32_t length);
    std::string bytes_;
};

// link = HMAC(audit key, previous link || canonical bytes). The first event
// of a chain has an all-zero previous link.
void chain_link(KeyedDigest& audit_key, const std::uint8_t* previous, const CanonicalEvent& event,
                std::uint8_t* out);

} // namespace listguard
