#include "pg/replica/shipment.h"

namespace listguard::pg {

namespace {

constexpr uint32 kMagic = 0x4c475331; // "LGS1"

struct Header {
    uint32 magic;
    uint32 event_size;
};

static_assert(sizeof(Header) == kShipmentHeaderSize);

} // namespace

void write_shipment_header(char* out)
{
    Header header{kMagic, static_cast<uint32>(sizeof(AuditEvent))};
    memcpy(out, &header, sizeof header);
}

bool shipment_header_ok(const char* data)
{
    Header header;
    memcpy(&header, data, sizeof header);
    return header.magic == kMagic && header.event_size == sizeof(AuditEvent);
}

const char* pack_shipment(const AuditEvent* events, int count, int* length)
{
    Size size = sizeof(Header) + sizeof(AuditEvent) * static_cast<Size>(count);
    char* data = static_cast<char*>(palloc(size));
    write_shipment_header(data);
    memcpy(data + sizeof(Header), events, sizeof(AuditEvent) * count);
    *length = static_cast<int>(size);
    return data;
}

AuditEvent* unpack_shipment(const char* data, int length, int* count)
{
    Header header;
    if (length < static_cast<int>(sizeof header))
        ereport(ERROR, (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION), errmsg("not a listguard event shipment")));
    memcpy(&header, data, sizeof header);
    Size body = static_cast<Size>(length) - sizeof header;
    if (!shipment_header_ok(data) || body % sizeof(AuditEvent) != 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
                        errmsg("listguard event shipment in a format this server cannot read"),
                        errdetail("Events of %u bytes; this server's are %zu bytes.", header.event_size,
                                  sizeof(AuditEvent)),
                        errhint("Run the same listguard build on the primary and its standbys.")));
    *count = static_cast<int>(body / sizeof(AuditEvent));
    auto* events = static_cast<AuditEvent*>(palloc(Max(body, 1)));
    memcpy(events, data + sizeof header, body);
    return events;
}

} // namespace listguard::pg
