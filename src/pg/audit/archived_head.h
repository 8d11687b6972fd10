// Where the audit log starts once its oldest events were archived
// (pg/archive): the last segment listguard.audit_archives records, its last
// event's id and link (the chain goes on from there in the table), checked
// against its seal. verify_audit() starts from it; archive_audit() goes on
// from it.
#pragma once

#include "pg/base/postgres_c.h"

#include "core/audit/segment.h"

namespace listguard::pg {

// Plain data: no C++ object lives across the PostgreSQL calls around it.
struct ArchivedHead {
    bool present = false; // a segment was archived (else the chain starts at event 1)
    bool sealed = false;  // its record is sealed by this keyring
    char segment[128] = "";
    char source[128] = "";
    int64 first_id = 0;
    int64 last_id = 0;
    uint8 entry_link[kLinkSize] = {};
    uint8 exit_link[kLinkSize] = {};
    int64 events = 0;
    TimestampTz archived_at = 0;
};

// Whether a seal is the one of a segment with these fields (the file's
// header and trailer, or its record in audit_archives).
bool archived_head_seal_valid(const ArchivedHead& head, const uint8* seal);

// With SPI connected: the last archived segment's record (none before
// ALTER EXTENSION UPDATE made the table). fresh: read with a new snapshot,
// which sees what this transaction wrote (an appender after archiving).
ArchivedHead read_archived_head(bool fresh = false);

} // namespace listguard::pg
