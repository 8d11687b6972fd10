// A chain's head as a database's audit writer last left it: the last
// event's id and link, and when. It is kept in a table that pg_dump writes
// into every dump (listguard.audit_heads), sealed with a key only the server
// has, so that a restored database can prove it holds the source's whole
// history up to the dump: a dump whose last events were deleted no longer
// reaches the head it carries, and a head cannot be made or moved without
// the key.
//
// A head that came in with a restore is sealed again by the restoring
// server, as restored: when it was restored, and whether it came as the
// dump's own head or as one the dump's source had itself restored (nested).
// A nested head proves only the older history it covers, not the dump's:
// a dump of a once-restored database cut back to its inner head, with its
// own head left out, is told apart from a dump of the older source, and a
// restored head passed off as a dump's own no longer fits its seal. (What
// it cannot tell apart: a dump cut back to an older own head taken from an
// older dump; verify_audit() says how recent the head is.)
#pragma once

#include <cstdint>
#include <string>

#include "core/audit/chain.h"

namespace listguard {

struct AuditHead {
    std::int64_t last_id = 0; // 0: the chain is empty
    std::uint8_t link[kLinkSize] = {};
    std::int64_t as_of = 0; // microseconds since 2000-01-01 (PostgreSQL's epoch)
    std::string source;     // which server and database wrote it
    // A head that came in with a restore (sealed again by the restoring
    // server): when, and whether the dump's source had itself restored it.
    bool restored = false;
    std::int64_t restored_at = 0; // microseconds since 2000-01-01
    bool nested = false;
};

// HMAC(audit key, "listguard audit head v1" || canonical fields) for a
// chain's own head; HMAC(audit key, "listguard restored audit head v1" ||
// canonical fields || restored_at || nested) for a restored one.
void seal_head(KeyedDigest& audit_key, const AuditHead& head, std::uint8_t* seal_out);

// True if seal is the head's own (constant time).
bool head_seal_valid(KeyedDigest& audit_key, const AuditHead& head, const std::uint8_t* seal);

} // namespace listguard
