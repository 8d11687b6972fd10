-- The moment a canary is planted, as a clear reader would look for it: every
-- role reads the cumulative statistics of every table (pg_stat_all_tables,
-- pg_statio_all_tables, their index and sequence views, the
-- pg_stat_get_*() functions). A planting must move none of the counts of
-- listguard's own tables (the registry, the plans, the grants every backend
-- reads again after a change), and move the list's own counts as a signup
-- does: one row inserted, no scan.
CREATE ROLE cm_reader;
CREATE ROLE cm_other;
CREATE TABLE cm_subs (
    id serial PRIMARY KEY,
    account_id bigint NOT NULL,
    list_id bigint NOT NULL,
    email listguard.email NOT NULL,
    first_name text,
    created_at timestamptz NOT NULL DEFAULT now()
) WITH (autovacuum_enabled = false); -- an ANALYZE between the counts would reset some
INSERT INTO cm_subs (account_id, list_id, email, first_name)
SELECT 1, 10, 'person' || g || '@provider' || g % 7 || '.example', 'Person' || g FROM generate_series(1, 300) g;
SELECT listguard.protect('cm_subs', 'account_id', 'list_id');
GRANT SELECT ON cm_subs TO cm_reader, cm_other;
SELECT listguard.grant_access('cm_reader', 1, 10, reveal => 'clear') IS NOT NULL AS granted;
SELECT listguard.grant_access('cm_other', 1, 10, reveal => 'clear') IS NOT NULL AS granted;
SET listguard.canary_domains = 'moments.example, instants.example';
-- A canary for the other role, due at once.
SELECT listguard.plan_canaries('cm_subs', 1, 10, roles => ARRAY['cm_other'::regrole], per_role => 1,
                               over => '1 millisecond') AS planned;
SELECT pg_sleep(0.01);

-- What the reader can read of every relation's counts.
CREATE FUNCTION lgtest.cm_counts() RETURNS TABLE (relation text, counter text, value bigint)
LANGUAGE sql AS $$
    SELECT s.schemaname || '.' || s.relname, x.key, x.value::bigint
    FROM pg_stat_all_tables s
    CROSS JOIN LATERAL jsonb_each_text(to_jsonb(s) - 'relid' - 'schemaname' - 'relname') x
    WHERE x.value ~ '^\d+$'
    UNION ALL
    SELECT s.schemaname || '.' || s.relname, x.key, x.value::bigint
    FROM pg_statio_all_tables s
    CROSS JOIN LATERAL jsonb_each_text(to_jsonb(s) - 'relid' - 'schemaname' - 'relname') x
    WHERE x.value ~ '^\d+$'
    UNION ALL
    SELECT s.schemaname || '.' || s.indexrelname, x.key, x.value::bigint
    FROM pg_stat_all_indexes s
    CROSS JOIN LATERAL jsonb_each_text(to_jsonb(s) - 'relid' - 'indexrelid' - 'schemaname' - 'relname'
                                       - 'indexrelname') x
    WHERE x.value ~ '^\d+$'
    UNION ALL
    SELECT s.schemaname || '.' || s.indexrelname, x.key, x.value::bigint
    FROM pg_statio_all_indexes s
    CROSS JOIN LATERAL jsonb_each_text(to_jsonb(s) - 'relid' - 'indexrelid' - 'schemaname' - 'relname'
                                       - 'indexrelname') x
    WHERE x.value ~ '^\d+$'
    UNION ALL
    SELECT s.schemaname || '.' || s.relname, x.key, x.value::bigint
    FROM pg_statio_all_sequences s
    CROSS JOIN LATERAL jsonb_each_text(to_jsonb(s) - 'relid' - 'schemaname' - 'relname') x
    WHERE x.value ~ '^\d+$'
    UNION ALL
    SELECT s.schemaname || '.' || s.relname, x.key || ' (timestamp)', extract(epoch FROM x.value::timestamptz)::bigint
    FROM pg_stat_all_tables s
    CROSS JOIN LATERAL jsonb_each_text(to_jsonb(s)) x
    WHERE x.key LIKE 'last_%' AND x.value IS NOT NULL
$$;
-- The reader reads its list (so its backend holds the registry) and takes
-- the counts, twice: once around a read alone, once around a read after a
-- planting. (Counts reach the views when a backend flushes them.)
CREATE TEMP TABLE cm_before AS SELECT * FROM lgtest.cm_counts() WHERE false;
CREATE TEMP TABLE cm_middle AS SELECT * FROM lgtest.cm_counts() WHERE false;
CREATE TEMP TABLE cm_after AS SELECT * FROM lgtest.cm_counts() WHERE false;
GRANT ALL ON cm_before, cm_middle, cm_after TO PUBLIC;
SET ROLE cm_reader;
SELECT count(*) AS seen FROM cm_subs;
SELECT pg_stat_force_next_flush();
SELECT pg_stat_clear_snapshot();
INSERT INTO cm_before SELECT * FROM lgtest.cm_counts();
SELECT count(*) AS seen FROM cm_subs;
SELECT pg_stat_force_next_flush();
SELECT pg_stat_clear_snapshot();
INSERT INTO cm_middle SELECT * FROM lgtest.cm_counts();
RESET ROLE;
SELECT listguard.plant_due_canaries() AS planted;
SET ROLE cm_reader;
SELECT count(*) AS seen FROM cm_subs;
SELECT pg_stat_force_next_flush();
SELECT pg_stat_clear_snapshot();
INSERT INTO cm_after SELECT * FROM lgtest.cm_counts();
RESET ROLE;
-- Every count that moved differently around the planting than around the
-- read alone. listguard's tables are not there at all (the audit trail's,
-- which its writer fills with every role's reads, aside); the list's
-- counts moved as a signup's would: one row inserted (and read by the
-- reader's count), no scan of its own.
SELECT a.relation, a.counter, (a.value - m.value) - (m.value - b.value) AS moved_more
FROM cm_after a JOIN cm_middle m USING (relation, counter) JOIN cm_before b USING (relation, counter)
WHERE (a.value - m.value) <> (m.value - b.value)
  AND (a.relation LIKE 'listguard.%' OR a.relation LIKE 'public.cm_subs%')
  AND a.relation !~ '^listguard\.(audit_log|audit_heads|reveal_summaries)'
  AND a.counter NOT IN ('heap_blks_hit', 'idx_blks_hit', 'heap_blks_read', 'idx_blks_read')
  -- Of listguard's tables, the counts that only grow (autovacuum, busy with
  -- what earlier tests changed, may reset the others meanwhile; a planting
  -- would move these too).
  AND (a.relation LIKE 'public.%' OR a.counter IN ('seq_scan', 'seq_tup_read', 'idx_scan', 'idx_tup_read',
                                                   'idx_tup_fetch', 'n_tup_ins', 'n_tup_upd', 'n_tup_del',
                                                   'n_tup_hot_upd', 'blks_hit', 'blks_read'))
ORDER BY 1, 2;
-- Nor did a last_* time of listguard's tables appear.
SELECT a.relation, a.counter FROM cm_after a
WHERE a.relation LIKE 'listguard.canar%' AND a.counter LIKE '%(timestamp)'
  AND NOT EXISTS (SELECT 1 FROM cm_middle m WHERE (m.relation, m.counter, m.value) = (a.relation, a.counter, a.value));
-- Yet the canary is there, hidden from the reader.
SELECT count(*) AS canaries FROM listguard.canaries WHERE role = 'cm_other'::regrole;
SELECT count(*) AS rows FROM cm_subs;

-- test/attacks 106: with track_functions on, pg_stat_user_functions (which
-- every role reads) counts no call of the functions that plan and plant.
SET track_functions = 'pl';
SELECT listguard.plan_canaries('cm_subs', 1, 10, roles => ARRAY['cm_other'::regrole], per_role => 1,
                               over => '1 millisecond') AS planned_again;
SELECT pg_sleep(0.01);
SELECT listguard.plant_due_canaries() AS planted_again;
SELECT pg_stat_force_next_flush();
SELECT pg_stat_clear_snapshot();
SELECT funcname, calls FROM pg_stat_user_functions WHERE schemaname = 'listguard' ORDER BY 1;
RESET track_functions;
-- test/attacks 100: a monitor sees the day of canary events only (in UTC,
-- whatever its TimeZone), not the moment a planting's rows were made.
SELECT lgtest.audit_settle();
CREATE ROLE cm_monitor IN ROLE listguard_monitor;
SET ROLE cm_monitor;
SET TimeZone = 'UTC+03:17';
SELECT count(*) > 1 AS canary_events,
       count(*) FILTER (WHERE logged_at <> date_trunc('day', logged_at, 'UTC')) AS finer_than_a_day
FROM listguard.audit_events WHERE kind = 'canary';
RESET TimeZone;
RESET ROLE;
DROP ROLE cm_monitor;

DROP TABLE cm_before, cm_middle, cm_after;
DROP FUNCTION lgtest.cm_counts();
SELECT listguard.remove_canaries('cm_subs') >= 0 AS removed;
SELECT listguard.unprotect('cm_subs');
DROP TABLE cm_subs;
SELECT listguard.revoke_access(grant_id) FROM listguard.explain_access('cm_reader') WHERE via_role = 'cm_reader'::regrole;
SELECT listguard.revoke_access(grant_id) FROM listguard.explain_access('cm_other') WHERE via_role = 'cm_other'::regrole;
DROP ROLE cm_reader;
DROP ROLE cm_other;
RESET listguard.canary_domains;
