-- listguard 0.1.0: the sealed email type.
\echo Use "CREATE EXTENSION listguard" to load this file. \quit

-- Administration is for superusers and members of listguard_admin.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'listguard_admin') THEN
        CREATE ROLE listguard_admin NOLOGIN;
    END IF;
END
$$;

CREATE TYPE email;

-- Input is immutable (the server key does not change under a running
-- server); output depends on the current role and settings, so it is stable.
CREATE FUNCTION email_in(cstring) RETURNS email
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION email_out(email) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION email_recv(internal) RETURNS email
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION email_send(email) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE TYPE email (
    INPUT = email_in,
    OUTPUT = email_out,
    RECEIVE = email_recv,
    SEND = email_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = int4,
    STORAGE = main
);
COMMENT ON TYPE email IS 'an email address, stored sealed (AES-SIV) and shown as the current role may see it';

-- Casts: text in, and out as the output function shows it.
CREATE FUNCTION email(text) RETURNS email
    AS 'MODULE_PATHNAME', 'email_from_text' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION text(email) RETURNS text
    AS 'MODULE_PATHNAME', 'email_to_text' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE CAST (text AS email) WITH FUNCTION email(text) AS ASSIGNMENT;
CREATE CAST (varchar AS email) WITH FUNCTION email(text) AS ASSIGNMENT;
CREATE CAST (email AS text) WITH FUNCTION text(email) AS ASSIGNMENT;

-- Operators live in pg_catalog so that "email = 'x'" works whatever the
-- search_path (operators are resolved through it; the type is in listguard).
-- Comparison on the keyed digest only: equality is exact, order is
-- arbitrary and says nothing about the address. None of these can fail on a
-- valid value or reveal anything but equality, hence LEAKPROOF (so that row
-- security does not stop them from using an index).
CREATE FUNCTION email_eq(email, email) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION email_ne(email, email) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION email_lt(email, email) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION email_le(email, email) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION email_gt(email, email) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION email_ge(email, email) RETURNS bool
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION email_cmp(email, email) RETURNS int4
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION email_sortsupport(internal) RETURNS void
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION email_hash(email) RETURNS int4
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION email_hash_extended(email, int8) RETURNS int8
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE OPERATOR pg_catalog.= (
    LEFTARG = email, RIGHTARG = email, FUNCTION = email_eq,
    COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR pg_catalog.<> (
    LEFTARG = email, RIGHTARG = email, FUNCTION = email_ne,
    COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=), RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR pg_catalog.< (
    LEFTARG = email, RIGHTARG = email, FUNCTION = email_lt,
    COMMUTATOR = OPERATOR(pg_catalog.>), NEGATOR = OPERATOR(pg_catalog.>=), RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
CREATE OPERATOR pg_catalog.<= (
    LEFTARG = email, RIGHTARG = email, FUNCTION = email_le,
    COMMUTATOR = OPERATOR(pg_catalog.>=), NEGATOR = OPERATOR(pg_catalog.>), RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
CREATE OPERATOR pg_catalog.> (
    LEFTARG = email, RIGHTARG = email, FUNCTION = email_gt,
    COMMUTATOR = OPERATOR(pg_catalog.<), NEGATOR = OPERATOR(pg_catalog.<=), RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
CREATE OPERATOR pg_catalog.>= (
    LEFTARG = email, RIGHTARG = email, FUNCTION = email_ge,
    COMMUTATOR = OPERATOR(pg_catalog.<=), NEGATOR = OPERATOR(pg_catalog.<), RESTRICT = scalargesel, JOIN = scalargejoinsel
);

CREATE OPERATOR CLASS email_btree_ops DEFAULT FOR TYPE email USING btree AS
    OPERATOR 1 pg_catalog.<,
    OPERATOR 2 pg_catalog.<=,
    OPERATOR 3 pg_catalog.=,
    OPERATOR 4 pg_catalog.>=,
    OPERATOR 5 pg_catalog.>,
    FUNCTION 1 email_cmp(email, email),
    FUNCTION 2 email_sortsupport(internal);

CREATE OPERATOR CLASS email_hash_ops DEFAULT FOR TYPE email USING hash AS
    OPERATOR 1 pg_catalog.=,
    FUNCTION 1 email_hash(email),
    FUNCTION 2 email_hash_extended(email, int8);
