// Shipments of audit events from a standby to its primary: the format and
// its checks are the core's (core/audit/shipment.h); here they are packed
// into and unpacked from palloc'd memory.
#pragma once

#include "pg/base/postgres_c.h"

#include "pg/audit/queue.h"

#include "core/audit/shipment.h"

namespace listguard::pg {

// palloc'd; *length set.
const char* pack_shipment(const AuditEvent* events, int count, int* length);

// The events of a shipment (palloc'd, not yet normalized: see
// normalize_shipped_event), or an error (22P02) if it is not one this build
// can read.
AuditEvent* unpack_shipment(const char* data, int length, int* count);

} // namespace listguard::pg
