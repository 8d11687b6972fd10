-- The C++/PostgreSQL boundary (src/pg/base/guard.h). C++ code inside
-- guarded() that calls PostgreSQL does so through postgres_call(): an error
-- PostgreSQL raises there unwinds the C++ frames (their destructors run) and
-- reaches the client as PostgreSQL raised it: same SQLSTATE, message,
-- detail, hint and context. The session goes on.

-- _local_part_in_style() raises its error through postgres_call() while the
-- string it made is alive.
SELECT listguard._local_part_in_style('no such style');

-- Caught in PL/pgSQL: what PostgreSQL raised, and nothing added on the way.
DO $$
DECLARE
    state text;
    message text;
    detail text;
    hint text;
    context text;
BEGIN
    PERFORM listguard._local_part_in_style('no such style');
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL,
        hint = PG_EXCEPTION_HINT, context = PG_EXCEPTION_CONTEXT;
    RAISE NOTICE 'state %, message "%", detail "%", hint "%"', state, message, detail, hint;
    RAISE NOTICE 'context: %', context;
END $$;

-- Many times in one transaction, each error caught in its subtransaction:
-- the backend stays sound, and so does the next call.
DO $$
DECLARE
    caught int := 0;
BEGIN
    FOR i IN 1 .. 2000 LOOP
        BEGIN
            PERFORM listguard._local_part_in_style('no such style ' || i);
        EXCEPTION WHEN invalid_parameter_value THEN
            caught := caught + 1;
        END;
    END LOOP;
    RAISE NOTICE 'caught % errors', caught;
END $$;
SELECT listguard._local_part_in_style(listguard._local_part_style('ann@example.com'::listguard.email)) ~ '^[a-z]+$'
    AS made_in_style;

-- The text made from C++ strings by postgres_text().
SELECT listguard._address_domain('Someone@Example.COM'::listguard.email) AS domain;

-- The settings' checks write their detail after the C++ part has ended.
SET listguard.canary_domains = 'canaries.example, not a domain, traps.example';
SET listguard.request_quota = 'lots';
SHOW listguard.canary_domains;
SHOW listguard.request_quota;
