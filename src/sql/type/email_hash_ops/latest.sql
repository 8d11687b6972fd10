CREATE OPERATOR CLASS email_hash_ops DEFAULT FOR TYPE email USING hash AS
    OPERATOR 1 pg_catalog.=,
    FUNCTION 1 email_hash(email),
    FUNCTION 2 email_hash_extended(email, int8);
