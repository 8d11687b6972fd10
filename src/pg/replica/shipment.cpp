#include "pg/replica/shipment.h"

#include "pg/base/guard.h"

namespace listguard::pg {

const char* pack_shipment(const AuditEvent* events, int count, int* length)
{
    Size size = kShipmentHeaderSize + sizeof(AuditEvent) * static_cast<Size>(count);
    char* data = static_cast<char*>(palloc(size));
    write_shipment_header(data);
    memcpy(data + kShipmentHeaderSize, events, sizeof(AuditEvent) * count);
    *length = static_cast<int>(size);
    return data;
}

AuditEvent* unpack_shipment(const char* data, int length, int* count)
{
    size_t n = guarded([&] { return shipment_event_count(data, static_cast<size_t>(length)); });
    Size body = n * sizeof(AuditEvent);
    auto* events = static_cast<AuditEvent*>(palloc(Max(body, 1)));
    memcpy(events, data + kShipmentHeaderSize, body);
    *count = static_cast<int>(n);
    return events;
}

} // namespace listguard::pg
