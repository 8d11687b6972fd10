CREATE FUNCTION report_canary_hit(address text, seen_at timestamptz DEFAULT now(), source text DEFAULT NULL)
    RETURNS void AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
