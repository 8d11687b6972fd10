// Which canary a value shown in clear is, for the audit trail: its id goes
// into the statement's clear_reveal event (not an event of its own, which
// anyone could count with audit_pending() or the table statistics of
// listguard.audit_log).
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// The id of the canary a stored value is (its address is one, and it carries
// the mark) if it is the current role's own (its role's, as a member or as
// the session's login), else 0: what a sender or anyone else reads of it
// says nothing of its role.
int64 own_canary_id_of(const uint8* value, size_t size);

} // namespace listguard::pg
