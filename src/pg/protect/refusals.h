// Writes that row security refuses on a protected table ("new row violates
// row-level security policy "listguard_insert""): recorded as denied
// events, like every other refusal, whether or not the error is caught
// later (a PL/pgSQL exception block): the event is queued before the error
// goes on.
#pragma once

#include "pg/base/postgres_c.h"

extern "C" {
#include "executor/execdesc.h"
}

namespace listguard::pg {

// An executor run begins (a new statement can fail anew).
void note_executor_run() noexcept;

// Called while the error of an executor run propagates (in PG_CATCH,
// before it is thrown on): records a denied event if it is row security
// refusing a write to a protected table, once per error.
void note_refused_write(QueryDesc* query) noexcept;

} // namespace listguard::pg
