-- A partitioned protected table for the canary write differential (class 4).
CREATE TABLE public.psubs (id bigserial, account_id bigint NOT NULL, list_id bigint NOT NULL,
                           email listguard.email NOT NULL, PRIMARY KEY (id, list_id), UNIQUE (account_id, list_id, email))
PARTITION BY LIST (list_id);
CREATE TABLE public.psubs_31 PARTITION OF psubs FOR VALUES IN (31);
CREATE TABLE public.psubs_32 PARTITION OF psubs FOR VALUES IN (32);
INSERT INTO psubs (account_id, list_id, email) SELECT 3, 31 + g % 2, format('p%s@example.net', g) FROM generate_series(1, 60) g;
-- (owned by the superuser: a partition's sequence default must belong to an admin)
SELECT listguard.protect('psubs', 'account_id', 'list_id');
GRANT SELECT, INSERT, UPDATE, DELETE ON psubs, psubs_31, psubs_32 TO a_other;
GRANT USAGE ON SEQUENCE psubs_id_seq TO a_other;
SELECT listguard.grant_access('a_other', 3, NULL, reveal => 'clear', can_write => true);
SELECT listguard.plant_canaries('psubs', 3, 31, ARRAY['a_other']::regrole[], per_role => 3);
