-- Called first by the functions that plant canaries (and their plans and
-- addresses): until the calling function returns, nothing is counted in
-- the cumulative statistics (track_counts = off), which every role reads:
-- counts of listguard.canaries, canary_plans, the audit log or the list's
-- own scans moving at a planting would tell a reader the moment
-- (docs/limitations.md#canaries). The canary row itself is counted
-- (_count_planted_row()), as a signup's would be.
CREATE FUNCTION _quiet_planting() RETURNS void
    AS 'MODULE_PATHNAME', 'lg_quiet_planting' LANGUAGE C VOLATILE;
REVOKE ALL ON FUNCTION _quiet_planting() FROM PUBLIC;
