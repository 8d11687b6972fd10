// Running listguard's own SQL with the rights it needs, whoever asked: as
// the extension's owner (a superuser, who may alter any table and owns
// listguard's tables) and with search_path = pg_catalog, pg_temp, so that no
// function, operator or table a caller or a database owner created can stand
// in for the ones listguard means. Both are restored however fn ends.
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

// run_elevated for a lambda; what it leaves in SPI's memory is gone after
// it returns, so copy results out (into a context that outlives SPI).
template <typename Fn>
void elevated(Fn&& fn)
{
    run_elevated([](void* f) { (*static_cast<Fn*>(f))(); }, &fn);
}

} // namespace listguard::pg
