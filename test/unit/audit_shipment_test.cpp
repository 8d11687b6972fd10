#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/audit/shipment.h"
#include "test_util.h"

using namespace listguard;
using listguard::test::error_detail;

namespace {

std::string shipment_of(const std::vector<AuditEvent>& events)
{
    std::string data(kShipmentHeaderSize + sizeof(AuditEvent) * events.size(), '\0');
    write_shipment_header(data.data());
    if (!events.empty())
        std::memcpy(data.data() + kShipmentHeaderSize, events.data(), sizeof(AuditEvent) * events.size());
    return data;
}

std::string message_of(const std::string& data)
{
    try {
        shipment_event_count(data.data(), data.size());
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST(AuditShipment, CountsWholeEventsAfterTheHeader)
{
    EXPECT_EQ(shipment_event_count(shipment_of({}).data(), kShipmentHeaderSize), 0u);
    std::string three = shipment_of(std::vector<AuditEvent>(3));
    EXPECT_EQ(shipment_event_count(three.data(), three.size()), 3u);
    EXPECT_TRUE(shipment_header_ok(three.data()));
}

TEST(AuditShipment, RefusesWhatThisBuildCannotRead)
{
    EXPECT_EQ(message_of("LGS"), "not a listguard event shipment");
    std::string partial = shipment_of(std::vector<AuditEvent>(1));
    partial.pop_back();
    EXPECT_EQ(message_of(partial), "listguard event shipment in a format this server cannot read");
    std::string size = std::to_string(sizeof(AuditEvent));
    EXPECT_EQ(error_detail([&] { shipment_event_count(partial.data(), partial.size()); }),
              "Events of " + size + " bytes; this server's are " + size + " bytes.");

    std::string other_build = shipment_of({});
    std::uint32_t smaller = sizeof(AuditEvent) - 8;
    std::memcpy(other_build.data() + 4, &smaller, sizeof smaller);
    EXPECT_FALSE(shipment_header_ok(other_build.data()));
    EXPECT_EQ(error_detail([&] { shipment_event_count(other_build.data(), other_build.size()); }),
              "Events of " + std::to_string(smaller) + " bytes; this server's are " + size + " bytes.");

    std::string not_ours = shipment_of({});
    not_ours[0] ^= 1;
    EXPECT_EQ(message_of(not_ours), "listguard event shipment in a format this server cannot read");
}

TEST(AuditShipment, NormalizingBoundsEveryField)
{
    AuditEvent e;
    std::memset(&e, 'x', sizeof e);
    e.digest_count = -3;
    normalize_shipped_event(e);
    for (const char* text : {e.database_name, e.kind, e.session_user, e.current_user, e.client_addr, e.application_name,
                             e.relation, e.origin})
        EXPECT_LT(std::strlen(text), sizeof e.relation);
    EXPECT_EQ(std::strlen(e.kind), sizeof e.kind - 1);
    EXPECT_EQ(e.counts_length, static_cast<std::int32_t>(sizeof e.counts - 1));
    EXPECT_EQ(e.detail_length, static_cast<std::int32_t>(sizeof e.detail - 1));
    EXPECT_EQ(e.digest_count, 0);

    e.digest_count = 1000;
    e.detail[0] = '\0';
    e.counts[3] = '\0';
    normalize_shipped_event(e);
    EXPECT_EQ(e.digest_count, kAuditMaxDigests);
    EXPECT_STREQ(e.detail, "{}");
    EXPECT_EQ(e.detail_length, 2);
    EXPECT_EQ(e.counts_length, 3);
}

TEST(AuditShipment, NormalizingMakesFlagsBooleans)
{
    // A shipped flag is one octet of the sender's choosing; read as a bool,
    // anything but 0 or 1 is undefined behaviour (the primary's
    // !e.has_account could be neither true nor false). Found by
    // test/fuzz/shipment_fuzz under UBSan.
    AuditEvent e{};
    const std::uint8_t odd[] = {2, 0x84, 0xff};
    std::memcpy(&e.has_account, &odd[0], 1);
    std::memcpy(&e.has_list, &odd[1], 1);
    std::memcpy(&e.in_server_log, &odd[2], 1);
    bool* flags[] = {&e.has_account, &e.has_list, &e.in_server_log};
    normalize_shipped_event(e);
    for (bool* flag : flags) {
        std::uint8_t octet;
        std::memcpy(&octet, flag, 1);
        EXPECT_EQ(octet, 1);
    }
    std::memset(&e.has_account, 0, 1);
    normalize_shipped_event(e);
    EXPECT_FALSE(e.has_account);
    EXPECT_TRUE(e.has_list);
}
