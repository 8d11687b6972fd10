-- A hostile search_path: the database's owner (who owns schema public)
-- plants look-alikes of the functions and operators listguard uses, each a
-- trap that tries to make the owner a superuser and a listguard admin, and
-- puts public first on the path of every session, the audit writer's
-- included. listguard's own code must never run one of them with its
-- rights: the owner gains nothing.
SELECT current_user AS superuser_name \gset
CREATE ROLE sp_dbo;
CREATE ROLE sp_reader;
ALTER DATABASE :"DBNAME" OWNER TO sp_dbo;

SET ROLE sp_dbo;
CREATE TABLE public.sp_calls (trap text, by_role name, query text);
GRANT INSERT ON public.sp_calls TO PUBLIC;
CREATE FUNCTION public.sp_trap(trap text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO public.sp_calls VALUES (trap, current_user, current_query());
    BEGIN
        EXECUTE 'ALTER ROLE sp_dbo SUPERUSER';
    EXCEPTION WHEN OTHERS THEN NULL;
    END;
    BEGIN
        EXECUTE 'GRANT listguard_admin TO sp_dbo';
    EXCEPTION WHEN OTHERS THEN NULL;
    END;
END $$;
-- An exact match beats pg_catalog.unnest(anyarray): the writer once ran it.
CREATE FUNCTION public.unnest(listguard.audit_log[]) RETURNS SETOF listguard.audit_log LANGUAGE plpgsql AS $$
BEGIN
    PERFORM public.sp_trap('unnest');
    RETURN QUERY SELECT * FROM pg_catalog.unnest($1);
END $$;
-- Operators on the types listguard compares.
CREATE FUNCTION public.sp_eq_bytea(bytea, bytea) RETURNS boolean LANGUAGE plpgsql AS
    $$ BEGIN PERFORM public.sp_trap('= bytea'); RETURN pg_catalog.byteaeq($1, $2); END $$;
CREATE OPERATOR public.= (LEFTARG = bytea, RIGHTARG = bytea, FUNCTION = public.sp_eq_bytea);
CREATE FUNCTION public.sp_eq_int8(bigint, bigint) RETURNS boolean LANGUAGE plpgsql AS
    $$ BEGIN PERFORM public.sp_trap('= bigint'); RETURN pg_catalog.int8eq($1, $2); END $$;
CREATE OPERATOR public.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = public.sp_eq_int8);
CREATE FUNCTION public.sp_eq_oid(oid, oid) RETURNS boolean LANGUAGE plpgsql AS
    $$ BEGIN PERFORM public.sp_trap('= oid'); RETURN pg_catalog.oideq($1, $2); END $$;
CREATE OPERATOR public.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = public.sp_eq_oid);
CREATE FUNCTION public.sp_eq_text(text, text) RETURNS boolean LANGUAGE plpgsql AS
    $$ BEGIN PERFORM public.sp_trap('= text'); RETURN pg_catalog.texteq($1, $2); END $$;
CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.sp_eq_text);
CREATE FUNCTION public.sp_eq_name(name, name) RETURNS boolean LANGUAGE plpgsql AS
    $$ BEGIN PERFORM public.sp_trap('= name'); RETURN pg_catalog.nameeq($1, $2); END $$;
CREATE OPERATOR public.= (LEFTARG = name, RIGHTARG = name, FUNCTION = public.sp_eq_name);
CREATE FUNCTION public.sp_contains(bytea[], bytea[]) RETURNS boolean LANGUAGE plpgsql AS
    $$ BEGIN PERFORM public.sp_trap('@> bytea[]'); RETURN pg_catalog.arraycontains($1, $2); END $$;
CREATE OPERATOR public.@> (LEFTARG = bytea[], RIGHTARG = bytea[], FUNCTION = public.sp_contains);
-- Functions listguard calls by name.
CREATE FUNCTION public.format(text, text) RETURNS text LANGUAGE plpgsql AS
    $$ BEGIN PERFORM public.sp_trap('format'); RETURN pg_catalog.format($1, $2); END $$;
CREATE FUNCTION public.quote_ident(text) RETURNS text LANGUAGE plpgsql AS
    $$ BEGIN PERFORM public.sp_trap('quote_ident'); RETURN pg_catalog.quote_ident($1); END $$;
CREATE FUNCTION public.now() RETURNS timestamptz LANGUAGE plpgsql AS
    $$ BEGIN PERFORM public.sp_trap('now'); RETURN pg_catalog.now(); END $$;
CREATE FUNCTION public.cardinality(cidr[]) RETURNS integer LANGUAGE plpgsql AS
    $$ BEGIN PERFORM public.sp_trap('cardinality'); RETURN pg_catalog.cardinality($1); END $$;
CREATE FUNCTION public.pg_describe_object(oid, oid, integer) RETURNS text LANGUAGE plpgsql AS
    $$ BEGIN PERFORM public.sp_trap('pg_describe_object'); RETURN pg_catalog.pg_describe_object($1, $2, $3); END $$;
CREATE FUNCTION public.aclexplode(aclitem[]) RETURNS TABLE (grantor oid, grantee oid, privilege_type text, is_grantable boolean)
    LANGUAGE plpgsql AS
    $$ BEGIN PERFORM public.sp_trap('aclexplode'); RETURN QUERY SELECT * FROM pg_catalog.aclexplode($1); END $$;
CREATE FUNCTION public.pg_event_trigger_dropped_objects() RETURNS SETOF record LANGUAGE plpgsql AS
    $$ BEGIN PERFORM public.sp_trap('pg_event_trigger_dropped_objects'); END $$;
CREATE FUNCTION public.string_agg_trap(text, text, text) RETURNS text LANGUAGE plpgsql AS
    $$ BEGIN PERFORM public.sp_trap('string_agg'); RETURN coalesce($1 || $3, '') || $2; END $$;
CREATE AGGREGATE public.string_agg(text, text) (SFUNC = public.string_agg_trap, STYPE = text);
RESET ROLE;

-- Every session of this database now starts with public first (only a
-- superuser may set that; see role_attacks), and the audit writer is
-- started afresh to pick it up.
ALTER DATABASE :"DBNAME" SET search_path = public, pg_catalog;
SELECT count(pg_terminate_backend(pid)) >= 0 AS writer_restarted FROM pg_stat_activity
WHERE backend_type = 'listguard audit writer';
\c
SHOW search_path;

-- listguard's main paths, run by an admin (a superuser here) with that path.
CREATE TABLE sp_subs (id int, account_id bigint, list_id bigint, email listguard.email);
INSERT INTO sp_subs VALUES (1, 1, 10, 'path.one@example.com');
SELECT listguard.protect('sp_subs', 'account_id', 'list_id', audit => 'row');
INSERT INTO sp_subs VALUES (2, 1, 10, 'path.two@example.com'), (3, 2, 20, 'path.three@example.com');
GRANT SELECT ON sp_subs TO sp_reader;
SELECT listguard.grant_access('sp_reader', 1, reveal => 'clear', quota => '100/day',
                              from_networks => '{10.0.0.0/8}') AS g1 \gset
SELECT listguard.grant_access('sp_reader', 2, reveal => 'clear') AS g2 \gset
SELECT count(*) AS grants_shown FROM listguard.explain_access('sp_reader');
SET ROLE sp_reader;
SELECT email::text FROM sp_subs;
RESET ROLE;
SELECT listguard.revoke_access(:g2);
SELECT lgtest.audit_settle() AS settled;
SELECT count(*) > 0 AS events_for_address FROM listguard.audit_for('path.two@example.com');
SELECT count(*) AS quotas_shown FROM listguard.quota_usage;
SELECT ok FROM listguard.verify_audit();
CREATE TABLE sp_parts (id int, account_id bigint, list_id bigint, email listguard.email) PARTITION BY LIST (account_id);
CREATE TABLE sp_parts_1 PARTITION OF sp_parts FOR VALUES IN (1);
SELECT listguard.protect('sp_parts', 'account_id', 'list_id');
CREATE TABLE sp_parts_2 PARTITION OF sp_parts FOR VALUES IN (2);
ALTER TABLE sp_parts DETACH PARTITION sp_parts_2;
DROP TABLE sp_parts_2;
SELECT listguard.unprotect('sp_parts');
DROP TABLE sp_parts;
SELECT listguard.unprotect('sp_subs');
SELECT lgtest.audit_settle() AS settled;
SELECT ok FROM listguard.verify_audit();

-- Back to a sane path: nothing listguard ran took the owner anywhere.
SET search_path = pg_catalog, public;
ALTER DATABASE :"DBNAME" RESET search_path;
SELECT rolsuper AS owner_became_superuser, pg_has_role('sp_dbo', 'listguard_admin', 'MEMBER') AS owner_became_admin
FROM pg_roles WHERE rolname = 'sp_dbo';
-- Which traps ran, and as whom (the session's own statements ran some, as
-- the superuser who typed them; listguard's code must not be among them).
SELECT trap, by_role, query FROM public.sp_calls GROUP BY trap, by_role, query ORDER BY trap, by_role, query;

SELECT listguard.revoke_access(:g1);
DROP TABLE sp_subs;
DROP TABLE public.sp_calls;
DROP AGGREGATE public.string_agg(text, text);
DROP FUNCTION public.unnest(listguard.audit_log[]), public.format(text, text), public.quote_ident(text), public.now(),
    public.cardinality(cidr[]), public.pg_describe_object(oid, oid, integer), public.aclexplode(aclitem[]),
    public.pg_event_trigger_dropped_objects(), public.string_agg_trap(text, text, text);
DROP OPERATOR public.= (bytea, bytea), public.= (bigint, bigint), public.= (oid, oid), public.= (text, text),
    public.= (name, name), public.@> (bytea[], bytea[]);
DROP FUNCTION public.sp_eq_bytea(bytea, bytea), public.sp_eq_int8(bigint, bigint), public.sp_eq_oid(oid, oid),
    public.sp_eq_text(text, text), public.sp_eq_name(name, name), public.sp_contains(bytea[], bytea[]),
    public.sp_trap(text);
ALTER DATABASE :"DBNAME" OWNER TO :"superuser_name";
\c
DROP ROLE sp_dbo, sp_reader;
