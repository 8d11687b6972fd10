// The audit anchor: the chain's head (the last event's id and link) kept
// outside the table, in a file beside the server key, so that a removed tail
// shows. The writer rewrites it in place; verify_audit() reads it.
#pragma once

#include "pg/base/postgres_c.h"

#include "core/audit/chain.h"

namespace listguard::pg {

struct AuditAnchor {
    int64 id = 0; // 0: no anchor
    uint8 link[kLinkSize] = {};

    bool present() const { return id > 0; }
};

// One fixed-size text record, "<id> <link in hex>" padded with spaces and
// ended by a newline, so that a rewrite in place never leaves a longer tail.
constexpr size_t kAnchorRecordSize = 128;

// The anchor file of a database.
char* audit_anchor_path(Oid database);

void format_audit_anchor(int64 id, const uint8* link, char (&record)[kAnchorRecordSize]);

// The database's anchor; a missing file or a torn record (a crash while it
// was rewritten) reads as no anchor.
AuditAnchor read_audit_anchor(Oid database);

// A link in hex, palloc'd (for the server log).
char* audit_link_hex(const uint8* link);

} // namespace listguard::pg
