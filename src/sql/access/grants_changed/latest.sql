-- The guard and change trigger of listguard's own tables: they change
-- through the admin functions only (a superuser's direct change, a
-- restore's say, is recorded); every backend drops its cached decisions when
-- one changes.
CREATE FUNCTION grants_changed() RETURNS trigger
    AS 'MODULE_PATHNAME', 'lg_grants_changed' LANGUAGE C;
REVOKE ALL ON FUNCTION grants_changed() FROM PUBLIC;
