-- listguard walkthrough: an email service provider's subscriber database,
-- and what each role sees of it.
\pset footer off
\set ON_ERROR_STOP 0
\set QUIET on
\set SHOW_CONTEXT never
CREATE EXTENSION listguard;

\echo '\n== 1. The sample ESP as it is today: three accounts, their lists, 100,000 subscribers in a text column'
CREATE ROLE esp_app;        -- the application: owns its tables, as applications often do
CREATE TABLE accounts (id bigint PRIMARY KEY, name text);
INSERT INTO accounts VALUES (1, 'Acme Outdoor'), (2, 'Globex Travel'), (3, 'Initech Software');
CREATE TABLE lists (account_id bigint REFERENCES accounts, id bigint, name text, PRIMARY KEY (account_id, id));
INSERT INTO lists VALUES (1, 10, 'Acme newsletter'), (1, 11, 'Acme promotions'),
                         (2, 20, 'Globex deals'), (3, 30, 'Initech release notes');
CREATE TABLE subscribers (
    id         bigserial PRIMARY KEY,
    account_id bigint NOT NULL,
    list_id    bigint NOT NULL,
    email      text NOT NULL,
    subscribed date NOT NULL DEFAULT current_date
);
INSERT INTO subscribers (account_id, list_id, email)
SELECT l.account_id, l.id,
       (ARRAY['jane', 'john', 'maria', 'li', 'ahmed', 'sofia', 'kai', 'noor'])[g % 8 + 1] || '.' ||
       (ARRAY['smith', 'garcia', 'chen', 'okafor', 'novak', 'rossi'])[g % 6 + 1] || g || '@' ||
       (ARRAY['gmail.com', 'yahoo.co.uk', 'example.org', 'mail.example.net', 'bücher.example'])[g % 5 + 1]
FROM generate_series(1, 25000) g, lists l;
-- Years of sign-up forms: a few addresses that are not addresses.
UPDATE subscribers SET email = 'jane.smith at gmail.com' WHERE id = 17;
UPDATE subscribers SET email = 'kai..novak@example.org' WHERE id = 4242;
UPDATE subscribers SET email = 'noor.rossi@' WHERE id = 77777;
CREATE UNIQUE INDEX subscribers_lower_email ON subscribers (account_id, list_id, lower(email));
ALTER TABLE subscribers OWNER TO esp_app;
SELECT a.name AS account, l.name AS list, count(*) AS subscribers
FROM subscribers s JOIN lists l ON (l.account_id, l.id) = (s.account_id, s.list_id) JOIN accounts a ON a.id = l.account_id
GROUP BY 1, 2 ORDER BY 1, 2;

\echo '\n== 2. Adopting it: what the type refuses (the reason, never the address), set aside, convert, protect'
SELECT ctid, reason FROM listguard.invalid_addresses('subscribers', 'email');
SELECT count(*) AS rows_before FROM subscribers \gset
CREATE TABLE subscribers_quarantine AS
SELECT * FROM subscribers WHERE ctid IN (SELECT ctid FROM listguard.invalid_addresses('subscribers', 'email'));
DELETE FROM subscribers WHERE ctid IN (SELECT ctid FROM listguard.invalid_addresses('subscribers', 'email'));
DROP INDEX subscribers_lower_email;   -- the type's own equality ignores case
ALTER TABLE subscribers ALTER COLUMN email TYPE listguard.email USING listguard.to_email(email, 'id ' || id);
CREATE UNIQUE INDEX ON subscribers (account_id, list_id, email);
CREATE INDEX ON subscribers (email);
-- Row policies, stamping of the rows already there, the audit trail; the
-- table now belongs to listguard_owner.
SELECT listguard.protect('subscribers', 'account_id', 'list_id');
SELECT :rows_before AS rows_before, (SELECT count(*) FROM subscribers) AS rows_after,
       (SELECT count(*) FROM subscribers_quarantine) AS set_aside,
       (SELECT relowner::regrole FROM pg_class WHERE oid = 'subscribers'::regclass) AS owner;

\echo '\n== 3. Roles and their grants'
CREATE ROLE support;        -- finds subscribers for any customer, never reads the list
CREATE ROLE acme_marketer;  -- Acme's own marketer: clear addresses of Acme's lists, may write
CREATE ROLE acme_analyst;   -- Acme's analyst: stable pseudonyms, for counting and joining
CREATE ROLE mta;            -- the sending engine: everything in clear, from the sending host only
CREATE ROLE backup;         -- backups: sealed tokens
GRANT SELECT ON subscribers TO support, acme_marketer, acme_analyst, mta, backup;
GRANT INSERT, UPDATE ON subscribers TO acme_marketer;
GRANT USAGE ON SEQUENCE subscribers_id_seq TO acme_marketer;
SELECT listguard.grant_access('support', NULL, reveal => 'masked', reason => 'helpdesk lookups');
SELECT listguard.grant_access('acme_marketer', 1, reveal => 'clear', can_write => true, quota => '5000/day',
                              reason => 'Acme campaign team');
SELECT listguard.grant_access('acme_analyst', 1, reveal => 'pseudonym', reason => 'Acme reporting');
SELECT listguard.grant_access('mta', NULL, reveal => 'clear', from_networks => '{127.0.0.1/32}', reason => 'sending hosts');
SELECT listguard.grant_access('backup', NULL, reveal => 'sealed', reason => 'nightly backups');
\echo '\nThe entitlement review for acme_marketer:'
SELECT account, list, reveal, can_write, quota, via_role FROM listguard.explain_access('acme_marketer');

\echo '\n== 4. The same query, side by side: SELECT id, email FROM subscribers WHERE id IN (...)'
CREATE TABLE demo_views (role name, id bigint, shown text);
GRANT INSERT ON demo_views TO PUBLIC;
\set sample '(1, 2, 3, 25003, 50004, 75005)'
SET ROLE support;       INSERT INTO demo_views SELECT current_user, id, email::text FROM subscribers WHERE id IN :sample; RESET ROLE;
SET ROLE acme_marketer; INSERT INTO demo_views SELECT current_user, id, email::text FROM subscribers WHERE id IN :sample; RESET ROLE;
SET ROLE acme_analyst;  INSERT INTO demo_views SELECT current_user, id, email::text FROM subscribers WHERE id IN :sample; RESET ROLE;
SET ROLE mta;           INSERT INTO demo_views SELECT current_user, id, email::text FROM subscribers WHERE id IN :sample; RESET ROLE;
SET ROLE backup;        INSERT INTO demo_views SELECT current_user, id, left(email::text, 24) || '...' FROM subscribers WHERE id IN :sample; RESET ROLE;
SELECT s.id, a.name AS account,
       max(shown) FILTER (WHERE role = 'support') AS support,
       coalesce(max(shown) FILTER (WHERE role = 'acme_marketer'), '(no row)') AS acme_marketer,
       coalesce(max(shown) FILTER (WHERE role = 'acme_analyst'), '(no row)') AS acme_analyst,
       max(shown) FILTER (WHERE role = 'mta') AS mta,
       max(shown) FILTER (WHERE role = 'backup') AS backup
FROM demo_views v JOIN subscribers s USING (id) JOIN accounts a ON a.id = s.account_id
GROUP BY s.id, a.name ORDER BY s.id;
\echo 'The superuser running this demo has no grant, so it sees masks too:'
SELECT id, email FROM subscribers WHERE id IN :sample ORDER BY id;

\echo '\n== 5. Lookups still work for everyone who may see the row, whatever the spelling'
SET ROLE support;
SELECT id, account_id, email FROM subscribers WHERE email = 'JANE.CHEN8@MAIL.EXAMPLE.NET' ORDER BY id;
EXPLAIN (COSTS OFF) SELECT id FROM subscribers WHERE email = 'Jane.Chen8@mail.example.net';
RESET ROLE;

\echo '\n== 6. Copies keep the protection: a table made from the list shows the same to each role'
SET ROLE acme_marketer;
CREATE TEMP TABLE my_export AS SELECT id, email FROM subscribers WHERE list_id = 10 AND id <= 3;
SELECT id, email FROM my_export ORDER BY id;
RESET ROLE;

\echo '\n== 7. What is refused'
\echo 'Laundering: a role masked on one list cannot copy its addresses into a list where it sees clear.'
CREATE ROLE intern;
GRANT SELECT, INSERT ON subscribers TO intern;
GRANT USAGE ON SEQUENCE subscribers_id_seq TO intern;
SELECT listguard.grant_access('intern', 1, 11, reveal => 'masked');
SELECT listguard.grant_access('intern', 1, 10, reveal => 'clear', can_write => true);
SET ROLE intern;
INSERT INTO subscribers (account_id, list_id, email) SELECT 1, 10, email FROM subscribers WHERE list_id = 11 LIMIT 5;
RESET ROLE;
\echo 'The application that owned the table may no longer change what runs around it (a trigger of its own would read addresses as every writer):'
SET ROLE esp_app;
ALTER TABLE subscribers DISABLE ROW LEVEL SECURITY;
CREATE TRIGGER spy BEFORE INSERT ON subscribers FOR EACH ROW EXECUTE FUNCTION suppress_redundant_updates_trigger();
RESET ROLE;
\echo 'No one can turn addresses into text:'
ALTER TABLE subscribers ALTER COLUMN email TYPE text;
\echo 'Managing grants is for admins only:'
SET ROLE support;
SELECT listguard.grant_access('support', NULL, reveal => 'clear');
RESET ROLE;
\echo 'Bad input says what is wrong, never repeating the address:'
SELECT 'jane..doe@example.com'::listguard.email;

\echo '\n== 8. Export quotas: a clear reader gets a bounded number of addresses per window'
CREATE ROLE support_lead;
GRANT SELECT ON subscribers TO support_lead;
SELECT listguard.grant_access('support_lead', 2, reveal => 'clear', quota => '3/day', on_exceed => 'mask',
                              reason => 'escalations') AS lead_grant;
SET ROLE support_lead;
SELECT id, email FROM subscribers WHERE account_id = 2 ORDER BY id LIMIT 5;
RESET ROLE;
SELECT role, quota, on_exceed, used, remaining FROM listguard.quota_usage;

\echo '\n== 9. Break-glass access: the support engineer asks, a lead approves in another session'
CREATE ROLE support_lead2 IN ROLE listguard_approver;
SET ROLE support;
SELECT listguard.request_access(1, reveal => 'clear', duration => '30 minutes',
                                reason => 'ticket 4711: subscriber says they never signed up') AS request_id \gset
\echo 'Before approval, support sees masks:'
SELECT id, email FROM subscribers WHERE account_id = 1 ORDER BY id LIMIT 2;
\echo 'Approving its own request is refused, however it is dressed up:'
SELECT listguard.approve(:request_id);
RESET ROLE;
\echo 'The lead sees the request and approves it:'
SET ROLE support_lead2;
SELECT request_id, requester, account, reveal, duration, reason, state FROM listguard.access_requests;
SELECT listguard.approve(:request_id, 'checked ticket 4711');
RESET ROLE;
\echo 'For 30 minutes, within the request quota, support reads account 1 in clear:'
SET ROLE support;
SELECT id, email FROM subscribers WHERE account_id = 1 ORDER BY id LIMIT 2;
RESET ROLE;
SELECT account, reveal, quota, valid_until > now() AS still_valid, request_id FROM listguard.explain_access('support')
WHERE request_id IS NOT NULL;

\echo '\n== 10. Tracing a leak: canaries only one role ever sees'
CREATE ROLE acme_intern;    -- reads Acme's newsletter list in clear for a campaign
GRANT SELECT ON subscribers TO acme_intern;
SELECT listguard.grant_access('acme_intern', 1, 10, reveal => 'clear', reason => 'summer campaign') IS NOT NULL AS granted;
SELECT listguard.add_canary_addresses(ARRAY['marta.kowalski71@gmail.com', 'dev.patel.1988@yahoo.co.uk',
                                            'lena.berg@example.org']) AS mailboxes_added;
SET listguard.canary_domains = 'inbox-ops.example';
\echo 'Three canaries for each role that reads list 10 in clear:'
SELECT listguard.plant_canaries('subscribers', 1, 10) AS planted;
SELECT role, count(*) AS canaries FROM listguard.canaries WHERE role IS NOT NULL GROUP BY role ORDER BY 1;
\echo 'The intern sees the real rows and its own three canaries; the analyst (pseudonyms) sees no canary at all:'
SET ROLE acme_intern;
SELECT count(*) AS intern_sees FROM subscribers WHERE list_id = 10;
RESET ROLE;
SET ROLE acme_analyst;
SELECT count(*) AS analyst_sees FROM subscribers WHERE list_id = 10;
RESET ROLE;
\echo 'The intern exports the list, and a file turns up on a spam forum: half of it, shuffled, lower-cased:'
SET ROLE acme_intern;
CREATE TEMP TABLE intern_export AS SELECT id, email::text AS email FROM subscribers WHERE list_id = 10;
RESET ROLE;
CREATE TEMP TABLE leaked_file AS
SELECT lower(email) AS line FROM intern_export WHERE (id / 4) % 2 = 0 OR id IN (SELECT max(id) FROM intern_export)
ORDER BY md5(email);
SELECT count(*) AS leaked_lines FROM leaked_file;
SELECT * FROM listguard.trace_leak(ARRAY(SELECT line FROM leaked_file));
\echo 'Spam arrives at one of the intern''s canaries; the mail pipeline reports it:'
SELECT listguard.report_canary_hit((SELECT e.email FROM intern_export e JOIN listguard.canaries c
                                    ON c.address = e.email::listguard.email ORDER BY e.id LIMIT 1), now(), 'spamtrap');
SELECT pg_sleep(0.5);
SELECT canary, role, account, list, clear_reveals, first_revealed IS NOT NULL AS read_in_clear
FROM listguard.trace((SELECT upper(e.email) FROM intern_export e JOIN listguard.canaries c
                      ON c.address = e.email::listguard.email ORDER BY e.id LIMIT 1));
SELECT kind, detail ->> 'action' AS action, detail -> 'detail' ->> 'role' AS role,
       detail -> 'detail' ->> 'verdict' AS verdict
FROM listguard.audit_log WHERE kind = 'canary' AND detail ->> 'action' = 'hit';

\echo '\n== 11. The audit trail: every grant, reveal, change and refusal, chained and verifiable'
SELECT pg_sleep(0.5);
SELECT id, kind, current_user_name AS by, account, list, coalesce(counts::text, '') AS counts,
       left(detail::text, 60) AS detail
FROM listguard.audit_log ORDER BY id DESC LIMIT 14;
SELECT * FROM listguard.verify_audit();

\echo '\n== 12. What is stored: sealed, padded values; the address is nowhere on disk'
SELECT pg_size_pretty(pg_relation_size('subscribers')) AS table_size,
       min(pg_column_size(email)) AS min_value_bytes, max(pg_column_size(email)) AS max_value_bytes
FROM subscribers;
CHECKPOINT;
SELECT position(convert_to('jane.chen8', 'UTF8') IN pg_read_binary_file(pg_relation_filepath('subscribers'))) = 0
       AS table_file_has_no_address;
