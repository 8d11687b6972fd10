// An audit event as the queue holds it (pg/audit/queue.h), a standby ships
// it to its primary and keeps it on disk (core/audit/shipment.h): fixed
// size, plain bytes, no pointer, so it is copied whole. Text fields are
// NUL-terminated within their room. The types are PostgreSQL's, spelled in
// standard C++ (pg/audit/queue.h checks that they agree).
#pragma once

#include <cstddef>
#include <cstdint>

namespace listguard {

constexpr std::size_t kEventNameSize = 64; // PostgreSQL's NAMEDATALEN
constexpr int kAuditDetailMax = 1536;
constexpr int kAuditMaxDigests = 4;

struct AuditEvent {
    std::uint32_t database;             // an Oid
    char database_name[kEventNameSize]; // for the server log, where no catalog can be read
    std::int64_t sequence;              // order of acceptance, across the server
    std::int64_t time;                  // a TimestampTz
    char kind[32];
    char session_user[kEventNameSize];
    char current_user[kEventNameSize];
    char client_addr[64]; // empty: Unix socket or no client
    char application_name[kEventNameSize];
    std::int32_t pid;
    std::uint64_t xid; // 0: the transaction had no id
    bool has_account;
    bool has_list;
    std::int64_t account;
    std::int64_t list;
    char relation[2 * kEventNameSize + 2];
    char origin[kEventNameSize]; // empty: this server
    bool in_server_log;          // a standby logged it already (its primary could not be reached)
    std::int32_t digest_count;
    std::uint8_t digests[kAuditMaxDigests][16];
    std::int32_t counts_length; // 0: no counts
    char counts[512];           // a JSON object
    std::int32_t detail_length;
    char detail[kAuditDetailMax]; // a JSON object
};

} // namespace listguard
