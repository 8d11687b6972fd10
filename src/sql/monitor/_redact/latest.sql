-- Text with every address-like token masked (j***@example.com): names a role
-- chose (of roles, tables, applications) as monitors see them. Public: it
-- only ever hides.
CREATE FUNCTION _redact(text) RETURNS text
    AS 'MODULE_PATHNAME', 'lg_redact' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
