// Retention of the audit trail (issue 23): archive_audit(before) moves the
// events older than `before` from listguard.audit_log into a segment file
// (core/audit/segment.h) under listguard.audit_archive_directory, in one
// transaction that also records the segment in listguard.audit_archives
// (sealed) and appends an audit_archived event to the chain; verify_audit()
// then starts from the archived head. The housekeeper's maintenance worker
// archives what is older than listguard.audit_retention.
//
// Only a prefix of the chain is ever archived, and only one that verifies:
// events first..last where first is where the last archive ended, every
// link checked as it is written, and the restored heads checked, so that a
// broken trail is never sealed into a segment.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// The archive directory as the setting names it (relative to the data
// directory unless absolute); an error with a hint when it is not set.
const char* archive_directory();

struct ArchiveResult {
    char segment[128];
    int64 first_id;
    int64 last_id;
    int64 events;
    char* kinds_json; // {"clear_reveal": 12, ...}
};

// Archives the events older than `before` (the longest prefix of the log
// whose every event is); false if there is none. Inside a transaction, SPI
// not connected.
bool archive_audit_before(TimestampTz before, ArchiveResult* result);

// PREPARE TRANSACTION of a transaction that archived: refused.
void archive_before_prepare();
// Transaction end: a segment file written by a transaction that aborts is
// removed (its events stay in the table).
void archive_at_transaction_end(bool committed);

// The maintenance worker: archives what is older than
// listguard.audit_retention, when that and the directory are set.
void run_retention();

} // namespace listguard::pg
