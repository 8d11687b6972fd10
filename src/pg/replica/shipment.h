// A batch of audit events as the standby link ships them to the primary:
// a header (magic, format, the size of one event) and the events as the
// queue holds them. Physical standbys run the same build of PostgreSQL on
// the same architecture; the header makes a standby with another listguard
// build fail loudly instead of writing garbage into the trail.
#pragma once

#include "pg/base/postgres_c.h"

#include "pg/audit/queue.h"

namespace listguard::pg {

// The header every batch of events starts with (a shipment, and the file of
// events a standby keeps, pg/replica/spill.h).
constexpr size_t kShipmentHeaderSize = 8;
void write_shipment_header(char* out);
// Whether a header is this build's (magic and event size).
bool shipment_header_ok(const char* header);

// palloc'd; *length set.
const char* pack_shipment(const AuditEvent* events, int count, int* length);

// The events of a shipment (palloc'd), or an error (22P02) if it is not one
// this build can read.
AuditEvent* unpack_shipment(const char* data, int length, int* count);

} // namespace listguard::pg
