-- listguard 0.1.0 -> 0.2.0. Run by ALTER EXTENSION listguard UPDATE, in
-- each database, after the 0.2.0 library is installed and the server
-- restarted.
\echo Use "ALTER EXTENSION listguard UPDATE TO '0.2.0'" to load this file. \quit

-- The library reads these columns from the first statement on: first.
-- protected_tables: the owner before protect() (given back by unprotect())
-- and the table whose protect() covers each one (0.1 protected tables one
-- by one: each is its own root). Filled below, when the tables are
-- protected again.
ALTER TABLE protected_tables ADD COLUMN owner_was regrole, ADD COLUMN root regclass;
UPDATE protected_tables SET root = relid;
ALTER TABLE protected_tables ALTER COLUMN root SET NOT NULL;

-- audit_log: the events 0.1 wrote keep chain encoding 1 (format); new
-- ones are written with encoding 2 and their origin.
ALTER TABLE audit_log ADD COLUMN origin text, ADD COLUMN format smallint NOT NULL DEFAULT 1;

-- listguard_admin was made by 0.1 without a mark: it is listguard's own.
-- listguard_owner and listguard_approver are new; a role of those names
-- made by someone else is refused, as at CREATE EXTENSION.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'listguard_admin')
       AND NOT EXISTS (SELECT 1 FROM pg_shseclabel l WHERE l.provider = 'listguard' AND l.label = 'role'
                         AND l.classoid = 'pg_authid'::regclass AND l.objoid = 'listguard_admin'::regrole) THEN
        SECURITY LABEL FOR listguard ON ROLE listguard_admin IS 'role';
    END IF;
END
$$;

#include "access/_setup_roles/0.2.0.sql"

#include "keys/_init_keyring/0.2.0.sql"

-- Input is stable, not immutable: an address is sealed with the nonce of
-- the transaction that read it (it is fresh there, and only there), which a
-- parallel worker would not share. Output depends on the current role and
-- settings, so it is stable.
#replace "type/email_in/0.2.0.sql"

#replace "type/email_recv/0.2.0.sql"

-- Casts: text in, and out as the output function shows it. Text and
-- varchar convert implicitly, so that a lookup by a parameter typed text or
-- varchar (JDBC's setString, psycopg's binary parameters, node-postgres's
-- $1::text) compares as an email, by its digest, and uses the index.
#replace "type/email_from_text/0.2.0.sql"

DROP CAST (text AS email);
#include "type/cast_text_to_email/0.2.0.sql"

DROP CAST (varchar AS email);
#include "type/cast_varchar_to_email/0.2.0.sql"

-- Migrating a text column: the rows the type would refuse (read as the
-- caller), and a cast whose error names the row instead of the address.
#include "type/invalid_addresses/0.2.0.sql"

#include "type/to_email/0.2.0.sql"

-- Privileges of 0.1's objects: the trigger functions 0.1 left to PUBLIC are
-- revoked; the others are set again as 0.1 set them.
REVOKE ALL ON grants FROM PUBLIC;
GRANT SELECT ON grants TO listguard_admin;
REVOKE ALL ON protected_tables FROM PUBLIC;
GRANT SELECT ON protected_tables TO listguard_admin;
REVOKE ALL ON audit_log FROM PUBLIC;
GRANT SELECT ON audit_log TO listguard_admin;
GRANT SELECT ON quota_usage TO PUBLIC;
REVOKE ALL ON FUNCTION grants_changed(), stamp_trigger(), audit_statement_trigger(), audit_log_modified() FROM PUBLIC;
REVOKE ALL ON FUNCTION _invalid(text, text, text), _revoke_access(bigint), _email_digest(text), _audit_for(text)
    FROM PUBLIC;

#include "audit/audit_row_trigger/0.2.0.sql"

DROP FUNCTION protect(regclass, name, name, text);
DROP FUNCTION _protect(regclass, name, name, text);
#include "protect/protect/0.2.0.sql"

-- Stamping rows that existed before protect(), in batches of blocks of one
-- table (stamp_existing() below drives it).
#include "protect/stamp_batch/0.2.0.sql"

#include "protect/stamp_plan/0.2.0.sql"

#include "access/_make_grant/0.2.0.sql"

-- grant_access() has a new argument (sends).
DROP FUNCTION grant_access(regrole, bigint, bigint, text, boolean, text, timestamptz, cidr[], text, text);
DROP FUNCTION _grant_access(regrole, bigint, bigint, text, boolean, text, timestamptz, cidr[], text, text);
#include "access/grant_access/0.2.0.sql"

#include "access/_grant_access/0.2.0.sql"

#include "access/_mark_grantee/0.2.0.sql"

#include "access/_is_trusted_owner/0.2.0.sql"

#include "access/_untrusted_members/0.2.0.sql"

#include "protect/_untrusted_code/0.2.0.sql"

#include "protect/_check_protected/0.2.0.sql"

#include "protect/_descendants/0.2.0.sql"

#include "protect/_protect_one/0.2.0.sql"

#include "protect/_unstamped/0.2.0.sql"

#include "protect/_stamped/0.2.0.sql"

#include "protect/_stamp_batch/0.2.0.sql"

#include "protect/_stamp_plan/0.2.0.sql"

#include "protect/_protect_triggers/0.2.0.sql"

#include "protect/_protect/0.2.0.sql"

#include "protect/_refuse_untrusted/0.2.0.sql"

#include "protect/_protect_child/0.2.0.sql"

#include "protect/_protect_detached/0.2.0.sql"

#replace "protect/_drop_protection/0.2.0.sql"

#replace "protect/_unprotect/0.2.0.sql"

#include "protect/stamp_existing/0.2.0.sql"

-- 0.1's event trigger on drops gives way to listguard_sql_drop.
DROP EVENT TRIGGER listguard_forget_dropped_tables;
DROP FUNCTION _forget_dropped_tables();
#include "protect/_on_sql_drop/0.2.0.sql"

#replace "audit/_verify_audit/0.2.0.sql"

-- Keys: the keyring, rotation of seal keys, re-sealing stored values and
-- retiring old keys. The index key (digests, pseudonyms, audit chain)
-- never changes; seal keys only encrypt.
#include "keys/keys/0.2.0.sql"

#include "keys/add_key/0.2.0.sql"

#include "keys/use_key/0.2.0.sql"

#include "keys/reload_keyring/0.2.0.sql"

#include "keys/reseal_plan/0.2.0.sql"

#include "keys/reseal_batch/0.2.0.sql"

#include "keys/key_usage/0.2.0.sql"

#include "keys/retire_key/0.2.0.sql"

#include "keys/_keys/0.2.0.sql"

#include "keys/_add_key/0.2.0.sql"

#include "keys/_use_key/0.2.0.sql"

#include "keys/_reload_keyring/0.2.0.sql"

#include "keys/_key_id/0.2.0.sql"

#include "keys/_under_current_key/0.2.0.sql"

#include "keys/_resealed/0.2.0.sql"

#include "keys/_reseal_batch/0.2.0.sql"

#include "keys/_wait_for_older_transactions/0.2.0.sql"

#include "keys/_retire_key_material/0.2.0.sql"

#include "keys/_email_columns/0.2.0.sql"

#include "keys/_reseal_plan/0.2.0.sql"

#include "keys/_key_usage/0.2.0.sql"

#include "keys/_email_constants/0.2.0.sql"

#include "keys/_retire_key/0.2.0.sql"

#include "keys/reseal_existing/0.2.0.sql"

-- 0.2: break-glass access. Grants made by an approval name their request.
ALTER TABLE grants ADD COLUMN request_id bigint;
ALTER TABLE grants ADD COLUMN sends boolean NOT NULL DEFAULT false; -- a sender (the MTA): sees every canary in its scope
DROP FUNCTION explain_access(regrole);
DROP FUNCTION _explain_access(regrole);
#include "access/explain_access/0.2.0.sql"
#include "access/_explain_access/0.2.0.sql"

-- ---------------------------------------------------------------------------
-- Break-glass access: a role asks for temporary access, a second person
-- approves; under the two-person rule an admin's grant of clear or sealed
-- access or of writing waits for a second person too.
-- ---------------------------------------------------------------------------
#include "access/requests/0.2.0.sql"
#include "access/request_approvals/0.2.0.sql"

#include "access/request_access/0.2.0.sql"
#include "access/approve/0.2.0.sql"
#include "access/deny/0.2.0.sql"
#include "access/cancel/0.2.0.sql"

#include "access/_calling_session_role/0.2.0.sql"
#include "access/_calling_outer_role/0.2.0.sql"
#include "access/_is_member_of/0.2.0.sql"
#include "access/_is_admin/0.2.0.sql"
#include "access/_mark_pending_grant/0.2.0.sql"
#include "access/_record_request_event/0.2.0.sql"

#include "access/_notify_request/0.2.0.sql"

#include "access/_request_opened/0.2.0.sql"

#include "access/_expire_requests/0.2.0.sql"

#include "access/_refuse_request/0.2.0.sql"

#include "access/_request_access/0.2.0.sql"

#include "access/_check_decider/0.2.0.sql"

#include "access/_approve/0.2.0.sql"

#include "access/_deny/0.2.0.sql"

#include "access/_cancel/0.2.0.sql"

#include "access/access_requests/0.2.0.sql"

-- ---------------------------------------------------------------------------
-- Canaries: addresses one role alone ever sees, to trace a leak to it.
-- ---------------------------------------------------------------------------

#include "canary/canaries/0.2.0.sql"

-- The row policies of protected tables with an address column (see
-- _canary_policy()): as the two-argument forms, and another role's canary
-- is not there.
#include "canary/can_read/0.2.0.sql"
#include "canary/can_write/0.2.0.sql"

#include "canary/add_canary_addresses/0.2.0.sql"
#include "canary/plant_canaries/0.2.0.sql"
#include "canary/remove_canaries/0.2.0.sql"
#include "canary/trace/0.2.0.sql"
#include "canary/trace_leak/0.2.0.sql"
#include "canary/report_canary_hit/0.2.0.sql"

#include "canary/_local_part_style/0.2.0.sql"
#include "canary/_local_part_in_style/0.2.0.sql"
#include "canary/_canary_reveal_count/0.2.0.sql"
#include "canary/_as_canary/0.2.0.sql"
#include "canary/_value_digest/0.2.0.sql"
-- Canaries are found by the loose form of their address (+tags and Gmail
-- dots dropped): a leaker rewriting addresses so still reaches the mailbox.
#include "canary/_loose_digest/0.2.0.sql"
#include "canary/_loose_digest_of/0.2.0.sql"
#include "canary/_address_in_line/0.2.0.sql"
#include "canary/_address_domain/0.2.0.sql"
#include "canary/_record_canary_event/0.2.0.sql"

#include "canary/_canary_column/0.2.0.sql"

#include "canary/_canary_policy/0.2.0.sql"

#include "canary/_canary_policies/0.2.0.sql"

#include "canary/_add_canary_addresses/0.2.0.sql"

#include "canary/_take_canary_address/0.2.0.sql"

#include "canary/_plant_canaries/0.2.0.sql"

#include "canary/_remove_canaries/0.2.0.sql"

#include "canary/_canary_reveals/0.2.0.sql"

#include "canary/_trace/0.2.0.sql"

#include "canary/_trace_leak/0.2.0.sql"

#include "canary/_report_canary_hit/0.2.0.sql"

-- Roles that hold grants are marked, as grant_access() marks them now.
SELECT _mark_grantee(g.grantee) FROM (SELECT DISTINCT grantee FROM grants) g;

-- Every protected table is protected again the 0.2 way: owned by
-- listguard_owner (its owner keeps its DML), the code around it vetted (the
-- update fails, naming what to fix, if a table runs code a non-admin could
-- change), stamping and audit triggers renewed. Rows stored before 0.1's
-- protect() are still unstamped; a WARNING names the tables where
-- CALL listguard.stamp_existing() will stamp them.
DO $$
DECLARE
    tables listguard.protected_tables[];
    p record;
    col name;
    waiting boolean;
BEGIN
    -- Taken first: dropping a table's old protection forgets its row.
    tables := ARRAY(SELECT t FROM listguard.protected_tables t);
    FOR p IN SELECT * FROM unnest(tables) LOOP
        PERFORM listguard._drop_protection(p.relid);
    END LOOP;
    -- Parents first (their row triggers are cloned to their partitions);
    -- each table's root is its topmost protected ancestor.
    FOR p IN
        WITH RECURSIVE t AS (SELECT * FROM unnest(tables)),
        up(relid, ancestor, depth) AS (
            SELECT t.relid, t.relid, 0 FROM t
            UNION ALL
            SELECT up.relid, i.inhparent::regclass, up.depth + 1 FROM up JOIN pg_inherits i ON i.inhrelid = up.ancestor
        )
        SELECT t.*, (SELECT u.ancestor FROM up u WHERE u.relid = t.relid AND u.ancestor IN (SELECT relid FROM t)
                     ORDER BY u.depth DESC LIMIT 1) AS top,
               (SELECT max(u.depth) FROM up u WHERE u.relid = t.relid) AS depth
        FROM t ORDER BY depth, t.relid::text
    LOOP
        PERFORM listguard._refuse_untrusted(p.relid);
        PERFORM listguard._protect_one(p.relid, p.top, p.account_column, p.list_column, p.audit);
        -- What 0.1 recorded about the table before its protection.
        UPDATE listguard.protected_tables
        SET rls_was_enabled = p.rls_was_enabled, rls_was_forced = p.rls_was_forced,
            protected_by = p.protected_by, protected_at = p.protected_at
        WHERE relid = p.relid;
        PERFORM listguard._protect_triggers(p.relid, p.audit);
        FOR col IN SELECT a.attname FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid
                   WHERE a.attrelid = p.relid AND a.attnum > 0 AND NOT a.attisdropped
                     AND (a.atttypid = 'listguard.email'::regtype OR ty.typbasetype = 'listguard.email'::regtype) LOOP
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM ONLY %s WHERE listguard._unstamped(%I))', p.relid, col)
            INTO waiting;
            IF waiting THEN
                RAISE WARNING 'listguard: % holds rows stored before it was protected; CALL listguard.stamp_existing(%L) stamps them',
                    p.relid, p.relid::text;
                EXIT;
            END IF;
        END LOOP;
    END LOOP;
END
$$;

CREATE TRIGGER grants_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON grants
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
CREATE TRIGGER protected_tables_guard BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON protected_tables
    FOR EACH STATEMENT EXECUTE FUNCTION grants_changed();
CREATE TRIGGER audit_log_inserted AFTER INSERT ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_modified();

-- Hot standbys (src/pg/replica). Each standby's listguard link connects to
-- the primary as a member of listguard_standby and calls these: quota leases
-- (counted here when granted), the primary's open quota windows (mirrored
-- for a promotion), and the standby's audit events (appended to this
-- database's chain with the standby's name as origin).
#include "replica/_lease_quota/0.2.0.sql"
#include "replica/_return_quota/0.2.0.sql"
#include "replica/_quota_windows/0.2.0.sql"
#include "replica/_append_standby_events/0.2.0.sql"
