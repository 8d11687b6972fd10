// The standby link: on a hot standby, the database's audit writer is this
// loop instead. Over one libpq connection to the primary (as a member of
// listguard_standby) it
//  - fetches quota leases for the backends that wait for them, and gives
//    back what lies unused;
//  - ships the standby's audit events to the primary's listguard.audit_log,
//    where they join the chain with their origin (events it cannot ship go
//    to the server log and wait on disk, pg/replica/event_spill.h; beyond its
//    bound, or when the queue is full, they are only in the server log, and
//    the next shipment starts with an audit_gap saying how many);
//  - mirrors the primary's quota windows every second, so that a promotion
//    starts from them.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// Runs until the server is promoted (then returns, and the caller goes on
// as the database's writer), asked to stop, or idle while another link
// keeps the mirror.
void run_standby_link(Oid database);

} // namespace listguard::pg
