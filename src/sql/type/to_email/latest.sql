CREATE FUNCTION to_email(address text, row_key text) RETURNS email
    AS 'MODULE_PATHNAME', 'lg_to_email' LANGUAGE C STABLE PARALLEL RESTRICTED;
