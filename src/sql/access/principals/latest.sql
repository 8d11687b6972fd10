-- Every principal, with its grants (a count) and the applications it acts
-- through: for administrators' entitlement reviews (explain_access(role,
-- principal) details what a principal may do through one application).
CREATE VIEW principals AS
SELECT u.name, u.account, u.description,
       (SELECT count(*) FROM listguard.grants g WHERE g.principal = u.id) AS grants,
       u.created_by, u.created_at, u.id
FROM listguard.application_users u;
REVOKE ALL ON principals FROM PUBLIC;
GRANT SELECT ON principals TO listguard_admin;
