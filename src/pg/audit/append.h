// Appending events to listguard.audit_log at the end of its chain: each row
// linked to the one before it. Used by the audit writer for the events of
// this server and by the primary's listguard._append_standby_events() for
// the events a standby ships (pg/replica).
#pragma once

#include "pg/base/postgres_c.h"

#include "pg/audit/queue.h"

#include "core/audit/chain.h"

namespace listguard::pg {

struct ChainTail {
    int64 id = 0;
    uint8 link[kLinkSize] = {};
};

// Inside a transaction with SPI connected and a snapshot pushed. Locks the
// table (SHARE ROW EXCLUSIVE: one appender at a time, and no restore
// meanwhile), reads the chain's last row and appends the events after it.
// Returns the new last row (with count 0: the last row, read once every
// appender before has committed).
ChainTail append_to_audit_log(Oid audit_log, const AuditEvent* events, int count);

// Which chain this database's is: "cluster <system identifier> database
// <oid>" (palloc'd).
char* own_chain_source();

// After a failed transaction: the prepared insert is gone with it.
void forget_audit_append_plan();

// True while one of the log's appenders appends (the audit writer, or the
// primary taking a standby's events): the guards of listguard's audit
// tables let it through.
extern bool in_audit_writer;

} // namespace listguard::pg
