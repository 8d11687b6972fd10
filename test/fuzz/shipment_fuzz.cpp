// Standby shipments (core/audit/shipment.h): shipment_event_count on any
// bytes, as listguard._append_standby_events gets them from a login of
// listguard_standby, and normalize_shipped_event on each event found (on
// one event made of the input itself when the shipment is refused, so that
// every input reaches it).
//
// Invariants: errors are InvalidText only; an accepted shipment is the
// header and a whole number of events. A normalized event can be read as
// the primary reads it (every field, the flags as booleans: UBSan refuses
// a bool that is neither 0 nor 1); its text fields end within their room,
// the lengths of counts and detail are their text's, the detail is not
// empty, the digest count is within 0..kAuditMaxDigests; and normalizing
// it again changes nothing.
#include <cstring>
#include <vector>

#include "core/audit/shipment.h"
#include "fuzz.h"

using namespace listguard;

namespace {

template <std::size_t N>
std::size_t text_length(const char (&field)[N])
{
    const void* end = std::memchr(field, '\0', N);
    FUZZ_CHECK(end != nullptr);
    return static_cast<std::size_t>(static_cast<const char*>(end) - field);
}

// What the primary reads of an event (pg/audit/record.cpp, events.cpp).
void read_as_the_primary(const AuditEvent& e)
{
    for (std::size_t length :
         {text_length(e.database_name), text_length(e.kind), text_length(e.session_user), text_length(e.current_user),
          text_length(e.client_addr), text_length(e.application_name), text_length(e.relation), text_length(e.origin)})
        (void)length;
    FUZZ_CHECK(e.counts_length >= 0 && static_cast<std::size_t>(e.counts_length) == text_length(e.counts));
    FUZZ_CHECK(e.detail_length > 0 && static_cast<std::size_t>(e.detail_length) == text_length(e.detail));
    FUZZ_CHECK(e.digest_count >= 0 && e.digest_count <= kAuditMaxDigests);
    volatile bool flags[] = {e.has_account, e.has_list, e.in_server_log};
    (void)flags;
}

void check_event(AuditEvent& e)
{
    normalize_shipped_event(e);
    read_as_the_primary(e);
    AuditEvent again;
    std::memcpy(&again, &e, sizeof e);
    normalize_shipped_event(again);
    FUZZ_CHECK(std::memcmp(&again, &e, sizeof e) == 0);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const char* bytes = reinterpret_cast<const char*>(data);
    std::size_t count = 0;
    bool accepted = true;
    try {
        count = shipment_event_count(bytes, size);
    } catch (const Error& e) {
        FUZZ_CHECK(e.kind() == ErrorKind::InvalidText);
        accepted = false;
    }
    if (accepted) {
        FUZZ_CHECK(size == kShipmentHeaderSize + count * sizeof(AuditEvent));
        FUZZ_CHECK(shipment_header_ok(bytes));
        // Unaligned in the shipment: copied out, as unpack_shipment does.
        std::vector<AuditEvent> events(count);
        if (count > 0)
            std::memcpy(events.data(), bytes + kShipmentHeaderSize, count * sizeof(AuditEvent));
        for (AuditEvent& e : events)
            check_event(e);
        return 0;
    }
    AuditEvent e;
    std::memset(&e, 0, sizeof e);
    std::memcpy(&e, data, size < sizeof e ? size : sizeof e);
    check_event(e);
    return 0;
}
