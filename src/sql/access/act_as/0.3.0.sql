-- The application acts for the principal its assertion names: a compact
-- JWT (EdDSA, RFC 8037) signed with one of its keys, with claims sub (the
-- principal), aud (listguard.audience or the database's name), iat, exp (at
-- most 5 minutes after iat) and jti (used once). Until the transaction ends
-- (or, for applications registered with session_principals, the session:
-- session => true), what the session reads is what both the principal's
-- grants and the application's allow, charged to both. Everyone may call it:
-- it refuses every role but a registered application, and every assertion
-- but a valid one of that application's (SQLSTATEs LGP01 to LGP10). Not
-- parallel safe: it changes the session.
CREATE FUNCTION act_as(assertion text, session boolean DEFAULT false) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_act_as' LANGUAGE C VOLATILE PARALLEL UNSAFE;
