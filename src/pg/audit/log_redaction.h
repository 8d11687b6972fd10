// The emit_log_hook that keeps addresses out of the server log
// (listguard.redact_server_log, on by default): every message, detail,
// hint, context, internal query and the STATEMENT line is scanned, and
// each address-like token masked (core/email/redact.h). The client gets the
// same redacted message: no message carries a clear address.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// Called from emit_log_hook for every report that goes to the server log.
void redact_log_entry(ErrorData* edata);

} // namespace listguard::pg
