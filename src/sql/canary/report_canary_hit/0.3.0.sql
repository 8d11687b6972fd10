CREATE FUNCTION report_canary_hit(address text, seen_at timestamptz DEFAULT now(), source text DEFAULT NULL)
    RETURNS TABLE (role regrole, sees text, revealed boolean, first_revealed date, last_revealed date)
    AS 'MODULE_PATHNAME', 'admin_gate' LANGUAGE C VOLATILE;
