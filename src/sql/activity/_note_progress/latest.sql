-- listguard's PL/pgSQL code (protect(), retire_key(), key_usage()) says
-- where it stands, for listguard.progress and the NOTICE every 10 s.
CREATE FUNCTION _note_progress(command text, tbl regclass, phase text, blocks_done bigint, blocks_total bigint,
                               "rows" bigint) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_note_progress' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _note_progress(text, regclass, text, bigint, bigint, bigint) FROM PUBLIC;
