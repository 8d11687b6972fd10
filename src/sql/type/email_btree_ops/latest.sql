CREATE OPERATOR CLASS email_btree_ops DEFAULT FOR TYPE email USING btree AS
    OPERATOR 1 pg_catalog.<,
    OPERATOR 2 pg_catalog.<=,
    OPERATOR 3 pg_catalog.=,
    OPERATOR 4 pg_catalog.>=,
    OPERATOR 5 pg_catalog.>,
    FUNCTION 1 email_cmp(email, email),
    FUNCTION 2 email_sortsupport(internal);
