// The settings listguard's own code runs under.
//
// A session's settings come from the server's configuration, from its
// database and role (ALTER DATABASE / ALTER ROLE ... SET, which a database
// owner or a CREATEROLE role may write, in any letter case) and from the
// session itself. Many change what SQL means or as whom it runs: search_path,
// role, session_authorization, DateStyle, standard_conforming_strings,
// transform_null_equals, plpgsql.variable_conflict, ... So listguard decides
// what reaches its code by a list of what may, not of what may not:
//
//  * pin_settings(): for elevated calls and the functions the standby link
//    calls on the primary. Every setting that changes meaning is set to its
//    built-in default for the call (only resource limits, planner costs,
//    logging, timeouts, the client's encoding, its time zone and message
//    language, and other extensions' own settings keep the session's value).
//    PL/pgSQL's settings are pinned too: if the session set them before
//    PL/pgSQL was loaded (placeholders, which PL/pgSQL would take up as it
//    loads in the middle of the call), it is loaded first.
//
//  * Background workers take the server's configuration only: whatever the
//    database and role settings applied when the worker connected is put
//    back as the server gave it (capture_server_settings() before connecting,
//    discard_catalog_settings() after).
#pragma once

#include "pg/base/postgres_c.h"

namespace listguard::pg {

// Opens a GUC nest level and pins every setting not on the allow list to its
// built-in default, and search_path to `search_path`. The caller closes the
// level with AtEOXact_GUC(false, level); an abort pops it.
int pin_settings(const char* search_path = "pg_catalog, pg_temp");

// Background workers: the server's settings as the postmaster gave them to
// this process (call before connecting to a database), then, once connected,
// everything a database or role setting changed goes back to them (and the
// worker says so in the server log).
void capture_server_settings();
void discard_catalog_settings(const char* worker_name);

} // namespace listguard::pg
