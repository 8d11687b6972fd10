-- Helpers shared by the regression tests (run first).
CREATE SCHEMA lgtest;
GRANT USAGE ON SCHEMA lgtest TO PUBLIC;

-- Runs a statement and returns 'ok' or "SQLSTATE message | detail | hint: hint".
CREATE FUNCTION lgtest.try(query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    state text; msg text; detail text; hint text;
BEGIN
    EXECUTE query;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                            detail = PG_EXCEPTION_DETAIL, hint = PG_EXCEPTION_HINT;
    RETURN state || ' ' || msg
        || CASE WHEN detail <> '' THEN ' | ' || detail ELSE '' END
        || CASE WHEN hint <> '' THEN ' | hint: ' || hint ELSE '' END;
END
$$;

-- What the current role sees of an input, or the error it raises.
CREATE FUNCTION lgtest.shown(input text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    state text; msg text; detail text;
BEGIN
    RETURN input::listguard.email::text;
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN state || ' ' || msg || CASE WHEN detail <> '' THEN ' | ' || detail ELSE '' END;
END
$$;
SELECT lgtest.try('SELECT 1'), lgtest.try('SELECT 1/0');

-- Runs a query as another role and returns its single text result (rows
-- joined with ' | '), or the error it raises.
CREATE FUNCTION lgtest.as_role(role name, query text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    result text;
    state text; msg text;
BEGIN
    PERFORM set_config('role', role, true);
    EXECUTE format('SELECT string_agg(x::text, '' | '') FROM (%s) q(x)', query) INTO result;
    PERFORM set_config('role', 'none', true);
    RETURN coalesce(result, '(no rows)');
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    RETURN state || ' ' || msg;
END
$$;

-- Sealed tokens and pseudonyms depend on the server key (new in every test
-- cluster): outputs show their shape.
CREATE FUNCTION lgtest.shape(t text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT regexp_replace(regexp_replace(t, 'lg1:[A-Za-z0-9_-]{135}', 'lg1:<token>', 'g'),
                          'p\.[a-z2-7]{12}@', 'p.<pseudonym>@', 'g')
$$;

-- Waits until every audit event of this database is in its audit log.
CREATE FUNCTION lgtest.audit_settle() RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    FOR i IN 1..200 LOOP
        IF listguard.audit_pending() = 0 THEN
            RETURN true;
        END IF;
        PERFORM pg_sleep(0.05);
    END LOOP;
    RETURN false;
END
$$;
