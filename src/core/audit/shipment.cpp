#include "core/audit/shipment.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include "core/base/error.h"

namespace listguard {

namespace {

constexpr std::uint32_t kMagic = 0x4c475331; // "LGS1"

struct Header {
    std::uint32_t magic;
    std::uint32_t event_size;
};

static_assert(sizeof(Header) == kShipmentHeaderSize);

template <std::size_t N>
void terminate(char (&field)[N]) noexcept
{
    field[N - 1] = '\0';
}

// A shipped flag is an octet of the sender's choosing; read as a bool,
// anything but 0 or 1 is undefined behaviour. So it is read as an octet.
void make_boolean(bool& flag) noexcept
{
    static_assert(sizeof(bool) == 1);
    unsigned char octet;
    std::memcpy(&octet, &flag, 1);
    octet = octet != 0;
    std::memcpy(&flag, &octet, 1);
}

} // namespace

void write_shipment_header(char* out) noexcept
{
    Header header{kMagic, static_cast<std::uint32_t>(sizeof(AuditEvent))};
    std::memcpy(out, &header, sizeof header);
}

bool shipment_header_ok(const char* data) noexcept
{
    Header header;
    std::memcpy(&header, data, sizeof header);
    return header.magic == kMagic && header.event_size == sizeof(AuditEvent);
}

std::size_t shipment_event_count(const char* data, std::size_t length)
{
    Header header;
    if (length < sizeof header)
        throw Error(ErrorKind::InvalidText, "not a listguard event shipment");
    std::memcpy(&header, data, sizeof header);
    std::size_t body = length - sizeof header;
    if (!shipment_header_ok(data) || body % sizeof(AuditEvent) != 0)
        throw Error(ErrorKind::InvalidText, "listguard event shipment in a format this server cannot read",
                    "Events of " + std::to_string(header.event_size) + " bytes; this server's are " +
                        std::to_string(sizeof(AuditEvent)) + " bytes.",
                    "Run the same listguard build on the primary and its standbys.");
    return body / sizeof(AuditEvent);
}

void normalize_shipped_event(AuditEvent& e) noexcept
{
    terminate(e.database_name);
    terminate(e.kind);
    terminate(e.session_user);
    terminate(e.current_user);
    terminate(e.client_addr);
    terminate(e.application_name);
    terminate(e.relation);
    terminate(e.origin);
    terminate(e.counts);
    terminate(e.detail);
    make_boolean(e.has_account);
    make_boolean(e.has_list);
    make_boolean(e.in_server_log);
    e.digest_count = std::max(0, std::min(e.digest_count, kAuditMaxDigests));
    e.counts_length = static_cast<std::int32_t>(std::strlen(e.counts));
    e.detail_length = static_cast<std::int32_t>(std::strlen(e.detail));
    if (e.detail_length == 0) {
        std::memcpy(e.detail, "{}", 3);
        e.detail_length = 2;
    }
}

} // namespace listguard
