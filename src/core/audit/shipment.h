// A batch of audit events as a standby's link ships them to the primary,
// and the file of events a standby keeps while it cannot: a header (magic
// and the size of one event, in the machine's byte order) and the events
// as the queue holds them (core/audit/event.h). Physical standbys run the
// same build of PostgreSQL on the same architecture; the header makes a
// standby with another listguard build fail loudly instead of writing
// garbage into the trail.
//
// The receiving primary trusts no byte of it: the size must be a whole
// number of events, and each event is bounded (normalize_shipped_event)
// before anything reads its text. What only PostgreSQL can judge (the
// kind, the time, the database encoding) pg/replica checks after that.
#pragma once

#include <cstddef>

#include "core/audit/event.h"

namespace listguard {

constexpr std::size_t kShipmentHeaderSize = 8;

void write_shipment_header(char* out) noexcept;

// Whether a header (kShipmentHeaderSize octets) is this build's: magic and
// event size.
bool shipment_header_ok(const char* header) noexcept;

// How many events a shipment of `length` octets holds; throws
// Error(InvalidText) if it is not one this build can read. The events
// follow the header, unaligned: copy them out before use.
std::size_t shipment_event_count(const char* data, std::size_t length);

// Makes a shipped event safe to read: every text field ends within its
// room, the flags are booleans, the digest count is within
// 0..kAuditMaxDigests, the lengths of counts and detail are those of their
// text, and an empty detail is "{}".
void normalize_shipped_event(AuditEvent& event) noexcept;

} // namespace listguard
