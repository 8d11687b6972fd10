-- Round 3, write-back (0.3) x class 2 (parse-tree shapes listguard's planner
-- hook rewrites): plan_written_back() wraps an UPDATE's new email value in
-- _written_back(Var(resultRelation, resno), ...) whenever it is a bound
-- parameter or a text cast. For an UPDATE of a view with an INSTEAD OF
-- trigger, the rewriter makes resultRelation a copy of the view's RTE that
-- is not in the join tree, so the Var points at no relation: every
-- parameterised UPDATE of an email column through such a view (what every
-- driver and ORM sends) fails with an internal error (XX000 "no relation
-- entry for relid N"), with the extension merely created, protected tables
-- or not, any role.
-- Expected secure outcome: the UPDATE works as without listguard (the
-- trigger gets NEW.email), or a placeholder in it is refused with 22P02;
-- never an internal error.
-- RESULT: FINDING (L): XX000 for $1 and for 'x'::text; a plain literal works.
-- Run: psql -X -U postgres -d atk -f 22_instead_of_view_write_back.sql
\set ON_ERROR_STOP 0
\set VERBOSITY verbose
\c - a_cnt
DROP VIEW IF EXISTS vv; DROP TABLE IF EXISTS vt; DROP FUNCTION IF EXISTS vv_upd();
CREATE TABLE vt (id int PRIMARY KEY, email listguard.email);
INSERT INTO vt VALUES (1, 'a@b.com');
CREATE VIEW vv AS SELECT id, email FROM vt;
CREATE FUNCTION vv_upd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN UPDATE vt SET email = NEW.email WHERE id = OLD.id; RETURN NEW; END $$;
CREATE TRIGGER vv_upd INSTEAD OF UPDATE ON vv FOR EACH ROW EXECUTE FUNCTION vv_upd();
UPDATE vv SET email = 'g@h.com' WHERE id = 1;                 -- works
PREPARE u(listguard.email) AS UPDATE vv SET email = $1 WHERE id = 1;
EXECUTE u('e@f.com');                                          -- XX000
UPDATE vv SET email = 'c@d.com'::text WHERE id = 1;            -- XX000
UPDATE vv SET email = CASE WHEN id = 1 THEN 'c@d.com'::text END; -- XX000
