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

-- Lookups that compare an address's text use the type's equality instead
-- (no reveal, no quota, the index); the cast to text is volatile, so that
-- a sort or a limit runs before it.
#include "type/_address_or_null/0.3.0.sql"
#replace "type/email_to_text/0.3.0.sql"
#replace "protect/_untrusted_code/0.3.0.sql"

-- A grant is refused while its grantee (or a member) holds a stored
-- setting that decides what its sessions run (ALTER ROLE ... SET
-- search_path, say), which a CREATEROLE role may have put there.
#include "access/_check_role_settings/0.3.0.sql"
#replace "access/_make_grant/0.3.0.sql"

-- An access request's duration is a length of time (a month 30 days, a day
-- 24 hours), whatever the calendar or the requester's time zone.
#replace "access/_request_access/0.3.0.sql"
