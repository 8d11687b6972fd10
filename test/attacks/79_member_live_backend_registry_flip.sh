#!/usr/bin/env bash
# 79 (attack7): sibling of 73 for members of an application (66's fix).
# jobs8 is a member of webapp2 (registered without require_principal: its
# members read clear through it). jobs8's pooled backend is live and has
# read. An administrator then switches webapp2 to require_principal (a new
# key, require_principal => true), or drops the application; a second
# member jobs9 has its membership granted while its backend lives.
# Tries: jobs8's live backend reads again after the switch.
# Secure outcome: masks after the switch (66's rule: grants reached only
# through a require_principal application need a principal), as a new
# backend sees.
: "${PGBIN:=/tmp/pg-atk7/usr/lib/postgresql/15/bin}" "${PGHOST:=/tmp/atk7}" "${PGPORT:=5860}"
. "$(dirname "$0")/principals_env.sh"
sq -c "CREATE ROLE jobs8 LOGIN" -c "GRANT webapp2 TO jobs8" >/dev/null 2>&1
( U=jobs8 sq <<'SQL' 2>&1 | cut -c1-160
SELECT 'live before switch', email::text FROM subscribers WHERE id = 1;
SELECT pg_sleep(3);
SELECT 'live after switch', email::text FROM subscribers WHERE id = 2;
SQL
) > /tmp/atk7/79.out & sleep 1.5
k=$(openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout)
echo "switch: $(sq -c "SELECT listguard.add_application('webapp2', \$\$$k\$\$, require_principal => true)" 2>&1 | head -1)"
wait; cat /tmp/atk7/79.out
new=$(U=jobs8 sq -c "SELECT 'new backend after switch', email::text FROM subscribers WHERE id = 3" 2>&1); echo "$new"
# restore: webapp2 without require_principal, the fixture key only
kid=$(sq -c "SELECT key_id FROM listguard.application_keys WHERE role = 'webapp2'::regrole AND public_key NOT LIKE '%$(sed -n 2p "$ROOT/test/principals/other.pub" | cut -c1-20)%'" 2>/dev/null)
for x in $kid; do sq -c "SELECT listguard.drop_application('webapp2', '$x')" >/dev/null 2>&1; done
sq -c "SELECT listguard.add_application('webapp2', \$\$$(openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout)\$\$, require_principal => false)" >/dev/null 2>&1
sq -c "REVOKE webapp2 FROM jobs8" -c "DROP ROLE jobs8" >/dev/null 2>&1
echo "webapp2 now: $(sq -c "SELECT require_principal FROM listguard.applications WHERE role = 'webapp2'::regrole")"
bad=$(grep -E "^live after switch\|(reader|member)[0-9]+@" /tmp/atk7/79.out; echo "$new" | grep -E "\|(reader|member)[0-9]+@")
if [ -n "$bad" ]; then echo "FINDING:"; echo "$bad"; else echo "held"; fi
