#!/usr/bin/env bash
# 65: the table owner (a_towner), the database owner (a_dbo) and a
# CREATEROLE role (a_crole) against applications, keys and principals:
# register an application or key, create/drop a principal, write
# listguard.applications / application_keys / application_users directly,
# drop the application role, put a login of their own into the application
# role (GRANT webapp TO ...), change the application role (password), and
# the table owner adding a trigger that copies NEW.email::text while the
# application acts for a principal.
# Secure outcome: every one refused.
# Result: held (42501 for functions/tables/role changes, 2BP01-style refusal
# for DROP ROLE, trigger refused on the protected table).
. "$(dirname "$0")/principals_env.sh"
pub=$(cat "$ROOT/test/principals/adminapp.pub")
for u in a_dbo a_towner a_crole; do
echo "== $u"
U=$u sq <<SQL 2>&1 | grep -E '^(ERROR|[^DH])' | cut -c1-140
SELECT listguard.add_application('a_crole', \$k\$$pub\$k\$);
SELECT listguard.add_application('webapp', \$k\$$pub\$k\$);
SELECT listguard.create_principal('evil:x', 1);
SELECT listguard.drop_principal('acme:alice');
INSERT INTO listguard.application_keys SELECT * FROM listguard.application_keys LIMIT 1;
UPDATE listguard.application_users SET account = 2 WHERE name = 'acme:alice';
UPDATE listguard.applications SET require_principal = false;
SELECT listguard.drop_application('webapp');
DROP ROLE webapp;
CREATE ROLE evil_$u LOGIN;
GRANT webapp TO evil_$u;
GRANT webapp TO $u;
ALTER ROLE webapp PASSWORD 'x';
CREATE FUNCTION pg_temp.steal() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN RAISE NOTICE '%', NEW.email::text; RETURN NEW; END \$\$;
CREATE TRIGGER steal BEFORE UPDATE ON subscribers FOR EACH ROW EXECUTE FUNCTION pg_temp.steal();
SQL
done
