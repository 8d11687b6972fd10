-- The primary's side of hot standbys, attacked by the roles that could
-- reach it: a role outside listguard_standby, a CREATEROLE role trying to
-- join it, and a member of it (the standby link's login) trying to inflate
-- a budget, forge events as the primary's own, or feed malformed events.
CREATE ROLE rp_reader;
CREATE ROLE rp_link IN ROLE listguard_standby;
CREATE ROLE rp_outsider;
CREATE ROLE rp_creator CREATEROLE;
CREATE TABLE rp_subs (id int PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                      email listguard.email NOT NULL);
SELECT listguard.protect('rp_subs', 'account_id', 'list_id');
INSERT INTO rp_subs SELECT g, 1, 10, 'person' || g || '@example.com' FROM generate_series(1, 20) g;
GRANT SELECT ON rp_subs TO rp_reader;
SELECT listguard.grant_access('rp_reader', 1, reveal => 'clear', quota => '10/day') AS grant_id \gset

-- Nobody outside listguard_standby may lease, return, read the windows or
-- append events.
SET ROLE rp_outsider;
SELECT lgtest.try(format('SELECT * FROM listguard._lease_quota(%s, 5)', :grant_id)) AS outsider_lease;
SELECT lgtest.try(format('SELECT listguard._return_quota(%s, 1, 5)', :grant_id)) AS outsider_return;
SELECT lgtest.try('SELECT * FROM listguard._quota_windows()') AS outsider_windows;
SELECT lgtest.try($$SELECT listguard._append_standby_events('x', '\x00')$$) AS outsider_append;
RESET ROLE;

-- A CREATEROLE role cannot make itself (or a role it made) a standby link,
-- nor take the predefined roles that read a standby's connection string
-- (pg_read_all_settings) or end the links' sessions (pg_signal_backend).
SET ROLE rp_creator;
SELECT lgtest.try('GRANT listguard_standby TO rp_creator') AS creator_joins;
SELECT lgtest.try('CREATE ROLE rp_fake IN ROLE listguard_standby') AS creator_makes_member;
SELECT lgtest.try('GRANT pg_read_all_settings TO rp_creator') ~ '^42501' AS creator_reads_settings;
SELECT lgtest.try('GRANT pg_signal_backend TO rp_creator') ~ '^42501' AS creator_signals;
RESET ROLE;

-- A lease is counted at once; what the standby gives back returns.
SET ROLE rp_link;
SELECT granted, window_used FROM listguard._lease_quota(:grant_id, 4);
RESET ROLE;
SELECT used, remaining FROM listguard.quota_usage WHERE grant_id = :grant_id;
SET ROLE rp_link;
SELECT window_start AS leased_window FROM listguard._quota_windows() WHERE grant_id = :grant_id \gset
SELECT listguard._return_quota(:grant_id, :leased_window, 3);
RESET ROLE;
SELECT used AS after_return FROM listguard.quota_usage WHERE grant_id = :grant_id;
-- Never more than was leased: a link cannot hand back units it never had
-- and so raise the budget of a reader, nor undo the reader's own reveals.
SET ROLE rp_reader;
SELECT count(email::text) FROM rp_subs WHERE id <= 5;
RESET ROLE;
SELECT used AS after_reads FROM listguard.quota_usage WHERE grant_id = :grant_id;
SET ROLE rp_link;
SELECT listguard._return_quota(:grant_id, :leased_window, 1000);
SELECT listguard._return_quota(:grant_id, 1, 1000);
-- A negative count would raise what the link may give back next.
SELECT lgtest.try(format('SELECT listguard._return_quota(%s, %s, -1000000)', :grant_id, :leased_window))
       AS negative_return;
SELECT listguard._return_quota(:grant_id, :leased_window, 1000000);
RESET ROLE;
SELECT used AS after_inflation_attempt FROM listguard.quota_usage WHERE grant_id = :grant_id;
-- Another session of the same login (another standby's link, or someone
-- who took its password) cannot hand back what this session was leased.
SET ROLE rp_link;
SELECT granted > 0 AS leased FROM listguard._lease_quota(:grant_id, 2);
RESET ROLE;
SELECT used AS before_other_session FROM listguard.quota_usage WHERE grant_id = :grant_id;
\c
SET ROLE rp_link;
SELECT listguard._return_quota(:grant_id, :leased_window, 1000);
RESET ROLE;
SELECT used AS after_other_session FROM listguard.quota_usage WHERE grant_id = :grant_id;
-- A lease never exceeds the limit, and a grant without a quota leases
-- nothing.
SET ROLE rp_link;
SELECT granted FROM listguard._lease_quota(:grant_id, 1000000);
SELECT granted FROM listguard._lease_quota(:grant_id, 1);
SELECT granted, window_start FROM listguard._lease_quota(999999, 5);
RESET ROLE;
SELECT used, remaining FROM listguard.quota_usage WHERE grant_id = :grant_id;

-- Events: a standby's need its name (they could not pass as the primary's
-- own), and bytes that are no shipment of this build are refused with a
-- clear error, nothing appended.
SET ROLE rp_link;
SELECT lgtest.try($$SELECT listguard._append_standby_events('', '\x3153474c')$$) AS no_origin;
SELECT lgtest.try($$SELECT listguard._append_standby_events('standby9', '\x00')$$) AS too_short;
SELECT regexp_replace(lgtest.try($$SELECT listguard._append_standby_events('standby9', '\x3153474c0100000041')$$),
                      'this server''s are [0-9]+', 'this server''s are <n>') AS wrong_format;
-- A shipment of the right size whose fields run past their ends (no NUL
-- anywhere) is cut to the fields, and then refused.
SELECT regexp_replace(lgtest.try($$SELECT listguard._append_standby_events('standby9', '\x3153474c0100000041')$$),
                      '.*this server''s are ([0-9]+) bytes.*', '\1')::int AS event_size \gset
SELECT string_agg(substr(encode(int4send(:event_size), 'hex'), i, 2), '' ORDER BY i DESC) AS size_le
FROM generate_series(1, 7, 2) i \gset
SELECT lgtest.try(format($$SELECT listguard._append_standby_events('standby9', %L::bytea)$$,
                         '\x3153474c' || :'size_le' || repeat('41', :event_size))) AS unterminated;
RESET ROLE;
-- Well-formed events built field by field (AuditEvent's layout on x86-64,
-- src/pg/audit/queue.h; the size line below shows if it changes).
SELECT :event_size AS event_size;
CREATE FUNCTION lgtest.standby_event(kind text, at_us bigint, who bytea, header bytea) RETURNS bytea
LANGUAGE plpgsql AS $$
DECLARE
    e bytea := decode(repeat('00', 2736), 'hex');
BEGIN
    FOR i IN 0..7 LOOP
        e := set_byte(e, 80 + i, ((at_us >> (8 * i)) & 255)::int);   -- time
    END LOOP;
    e := overlay(e PLACING convert_to(kind, 'UTF8') FROM 89);        -- kind
    e := overlay(e PLACING who FROM 121);                            -- session_user
    e := overlay(e PLACING who FROM 185);                            -- current_user
    e := overlay(e PLACING convert_to('{}', 'UTF8') FROM 1201);      -- detail
    RETURN header || e;
END
$$;
SELECT ((extract(epoch FROM now()) - 946684800) * 1000000)::bigint AS now_us,
       '\x3153474c' || :'size_le' AS header \gset
SET ROLE rp_link;
-- Nothing that would make the log unreadable later is taken: a time out of
-- range (COPY and pg_dump of the log would fail on it for ever), a time
-- far ahead, text invalid in the database's encoding, a kind listguard
-- never raises.
SELECT lgtest.try(format('SELECT listguard._append_standby_events(%L, %L::bytea)', 'standby9',
                         lgtest.standby_event('denied', -9223372036854775807, 'rp_forger', :'header'))) AS time_out_of_range;
SELECT lgtest.try(format('SELECT listguard._append_standby_events(%L, %L::bytea)', 'standby9',
                         lgtest.standby_event('denied', :now_us + 3 * 86400000000, 'rp_forger', :'header'))) AS time_ahead;
SELECT lgtest.try(format('SELECT listguard._append_standby_events(%L, %L::bytea)', 'standby9',
                         lgtest.standby_event('denied', :now_us, '\x6162c3', :'header'))) AS bad_encoding;
SELECT lgtest.try(format('SELECT listguard._append_standby_events(%L, %L::bytea)', 'standby9',
                         lgtest.standby_event('made_up', :now_us, 'rp_forger', :'header'))) AS unknown_kind;
RESET ROLE;
SELECT count(*) AS events_appended_by_link FROM listguard.audit_log WHERE origin IS NOT NULL;
-- A well-formed one is appended to the chain under the name it came with:
-- listguard_standby is trusted like a replication login (docs/limitations.md).
SET ROLE rp_link;
SELECT listguard._append_standby_events('standby9', lgtest.standby_event('denied', :now_us, 'rp_forger', :'header'));
RESET ROLE;
SELECT kind, session_user_name, origin FROM listguard.audit_log WHERE origin IS NOT NULL;
-- An origin longer than the field, of multibyte characters, is cut at a
-- character boundary: the log stays valid text (a cut character made every
-- later dump of it fail to restore).
SET ROLE rp_link;
SELECT listguard._append_standby_events(repeat('é', 35), lgtest.standby_event('denied', :now_us, 'rp_forger', :'header'));
RESET ROLE;
SELECT octet_length(origin) AS origin_octets, origin = repeat('é', 31) AS whole_characters,
       convert_from(convert_to(origin, 'UTF8'), 'UTF8') = origin AS valid_text
FROM listguard.audit_log WHERE origin LIKE 'é%';
SELECT ok FROM listguard.verify_audit();

DROP FUNCTION lgtest.standby_event(text, bigint, bytea, bytea);
SELECT listguard.unprotect('rp_subs');
DROP TABLE rp_subs;
SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee = 'rp_reader'::regrole;
DROP ROLE rp_reader, rp_link, rp_outsider, rp_creator;
