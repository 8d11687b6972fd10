// Running listguard's own SQL with the rights it needs, whoever asked: as
// the extension's owner (a superuser, who may alter any table and owns
// listguard's tables), with search_path = pg_catalog, pg_temp (no function,
// operator or table a caller or a database owner created can stand in for
// the ones listguard means) and every other setting that changes what SQL
// means pinned (pg/base/session_settings.h). All are restored however fn
// ends.
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// The owner of the listguard extension in this database; an error if it is
// not installed here or its owner is no longer a superuser.
Oid extension_owner();

// True while listguard's own elevated code runs (an admin function, or a
// step listguard takes after a statement): its DDL is not checked, counted
// or recorded again.
bool running_elevated();

// Runs fn() (plain C-style code: it may report errors) as the extension
// owner with the safe search_path, inside an SPI connection.
void run_elevated(void (*fn)(void*), void* arg);

// Runs fn() (plain C-style code: it may report errors) as the current user
// under pinned settings, inside an SPI connection.
void run_pinned_spi(void (*fn)(void*), void* arg);

template <typename Fn>
void pinned_spi(Fn&& fn)
{
    run_pinned_spi([](void* f) { (*static_cast<Fn*>(f))(); }, &fn);
}

// run_elevated for a lambda; what it leaves in SPI's memory is gone after
// it returns, so copy results out (into a context that outlives SPI).
template <typename Fn>
void elevated(Fn&& fn)
{
    run_elevated([](void* f) { (*static_cast<Fn*>(f))(); }, &fn);
}

} // namespace listguard::pg
