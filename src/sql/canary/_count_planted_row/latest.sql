-- Counts one row inserted into tbl (the partition that took a canary row) in
-- the cumulative statistics, as an INSERT would, while _quiet_planting() is
-- in force: a canary row moves the list's counts as a signup does.
CREATE FUNCTION _count_planted_row(tbl regclass) RETURNS void
    AS 'MODULE_PATHNAME', 'lg_count_planted_row' LANGUAGE C VOLATILE STRICT;
REVOKE ALL ON FUNCTION _count_planted_row(regclass) FROM PUBLIC;
