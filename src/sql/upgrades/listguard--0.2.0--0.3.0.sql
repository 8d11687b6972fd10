-- listguard 0.2.0 -> 0.3.0. Run by ALTER EXTENSION listguard UPDATE, in
-- each database, after the 0.3.0 library is installed and the server
-- restarted.
\echo Use "ALTER EXTENSION listguard UPDATE TO '0.3.0'" to load this file. \quit

-- Dumps carry the audit chain's head, sealed, so that a restore proves it
-- holds the whole history; the writer fills it at its next append.
#include "audit/audit_heads_guard/0.3.0.sql"
#include "audit/audit_heads/0.3.0.sql"
#include "audit/accept_restored_history/0.3.0.sql"
#include "audit/_accept_restored_history/0.3.0.sql"

-- Row policies the planner can use: can_read() and can_write() get a
-- planner support function that puts the account argument's range in front
-- of them as an index condition (issue 24).
#include "access/_scope_support/0.3.0.sql"
#include "access/_first_account/0.3.0.sql"
#include "access/_last_account/0.3.0.sql"
#replace "access/can_read/0.3.0.sql"
#replace "access/can_write/0.3.0.sql"
#replace "canary/can_read/0.3.0.sql"
#replace "canary/can_write/0.3.0.sql"
