#!/usr/bin/env bash
# 77 (attack7): registry changes an administrator makes routinely, seen by a
# live pooled backend of webapp (siblings of 73).
# (a) key rotation: add_application('webapp', second key) with
#     require_principal left out (NULL: keep?) - does webapp acting for
#     nobody still see masks, in a live backend and a new one?
# (b) the old key dropped after rotation: a live backend that used it.
# (c) add_application('webapp', key, require_principal => false) by mistake,
#     then => true again: the live backend follows both.
# Secure outcome: masks for nobody after (a) and after (c)'s second change;
# (b) LGP02.
: "${PGBIN:=/tmp/pg-atk7/usr/lib/postgresql/15/bin}" "${PGHOST:=/tmp/atk7}" "${PGPORT:=5860}"
. "$(dirname "$0")/principals_env.sh"
pub2=$(cat "$ROOT/test/principals/adminapp.pub")
t1=$("$A" webapp acme:bob); t2=$("$A" webapp acme:bob)
( U=webapp sq <<SQL 2>&1 | cut -c1-160
SELECT 'live before', email::text FROM subscribers WHERE id = 1;
BEGIN; SELECT 'live act_as', listguard.act_as('$t1'); COMMIT;
SELECT pg_sleep(3);
SELECT 'live after rotation (nobody)', email::text FROM subscribers WHERE id = 2;
SELECT pg_sleep(3);
BEGIN; SELECT 'live act_as old key after drop', listguard.act_as('$t2'); COMMIT;
SELECT 'live after drop (nobody)', email::text FROM subscribers WHERE id = 3;
SQL
) > /tmp/atk7/77a.out & sleep 1.5
kids=$(sq -c "SELECT key_id FROM listguard.application_keys WHERE role = 'webapp'::regrole" 2>&1)
echo "rotation: $(sq -c "SELECT listguard.add_application('webapp', \$\$$pub2\$\$)" 2>&1 | head -1)"
echo "require_principal now: $(sq -c "SELECT require_principal FROM listguard.applications WHERE role = 'webapp'::regrole")"
sleep 3
for kid1 in $kids; do echo "drop old key $kid1: $(sq -c "SELECT listguard.drop_application('webapp', '$kid1')" 2>&1 | head -1)"; done
wait; cat /tmp/atk7/77a.out
echo "-- new backend after rotation"
U=webapp sq -c "SELECT 'new backend (nobody)', email::text FROM subscribers WHERE id = 4" 2>&1
echo "-- (c) require_principal => false then => true, live backend"
( U=webapp sq <<SQL 2>&1 | cut -c1-160
SELECT 'c live before', email::text FROM subscribers WHERE id = 5;
SELECT pg_sleep(2);
SELECT 'c live after false', email::text FROM subscribers WHERE id = 6;
SELECT pg_sleep(3);
SELECT 'c live after true again', email::text FROM subscribers WHERE id = 7;
SQL
) > /tmp/atk7/77c.out & sleep 1
k3=$(openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout); k4=$(openssl genpkey -algorithm ed25519 2>/dev/null | openssl pkey -pubout)
echo "=> false: $(sq -c "SELECT listguard.add_application('webapp', \$\$$k3\$\$, require_principal => false)" 2>&1 | head -1)"
sleep 3
echo "=> true: $(sq -c "SELECT listguard.add_application('webapp', \$\$$k4\$\$, require_principal => true)" 2>&1 | head -1)"
wait; cat /tmp/atk7/77c.out
# restore the fixture's keys (webapp.pub only, require_principal)
sq -c "SELECT listguard.drop_application('webapp', key_id) FROM listguard.application_keys WHERE role = 'webapp'::regrole" >/dev/null 2>&1
sq -c "SELECT listguard.add_application('webapp', \$\$$(cat "$ROOT/test/principals/webapp.pub")\$\$, require_principal => true)" >/dev/null 2>&1
echo "restored: $(sq -c "SELECT count(*) FROM listguard.application_keys WHERE role = 'webapp'::regrole") keys"
bad=$(grep -hE "^(live after|new backend|c live after true).*\|(reader|member)[0-9]+@|^live act_as old key.*\|acme" /tmp/atk7/77a.out /tmp/atk7/77c.out; U=webapp sq -c "SELECT 'x', email::text FROM subscribers WHERE id = 4" | grep -E '\|reader[0-9]+@')
if [ -n "$bad" ]; then echo "FINDING:"; echo "$bad"; else echo "held"; fi
