-- The generation of listguard's catalog on a node of a Citus cluster
-- (docs/citus.md): on the coordinator, the last one it sent; on a worker, the
-- one it holds. A worker takes only a newer catalog, so that a copy its link
-- took before a change cannot undo it. One row; nobody but listguard's own
-- code changes it.
CREATE TABLE catalog_generation (generation bigint NOT NULL);
INSERT INTO catalog_generation VALUES (0);
REVOKE ALL ON catalog_generation FROM PUBLIC;
