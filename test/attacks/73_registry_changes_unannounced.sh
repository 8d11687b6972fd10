#!/usr/bin/env bash
# 73: changes to applications/keys made by an administrator, seen by a live
# (pooled) backend of the application.
#  A. a second key K2 is added to webapp; a backend acts with K2 once; an
#     administrator drops K2 (it leaked): drop_application('webapp', kid);
#     the same backend offers a fresh K2-signed assertion.
#  B. the same, but the administrator's session had loaded listguard's
#     principal objects first (it called act_as() once): the control that
#     shows the cause.
#  C. webapp2 (registered without require_principal, reading clear as
#     nobody) is switched to require_principal => true (adding a key K3);
#     its live backend reads again.
# Secure outcome: A/B: LGP02 after the drop; C: masks after the change.
# Result: FINDING (H): A accepts the dropped key in the live backend (a new
# backend refuses it); B refuses it; C keeps reading clear in the live
# backend (a new backend gets masks). Cause: the statement trigger
# listguard.grants_changed() (lg_grants_changed, src/pg/access/functions.cpp)
# sends the relcache invalidation and bumps the access generation only if
# is_principal_table(relid) (src/pg/access/principals.cpp), which is false
# until the *sending* backend has loaded its principal objects (objects.valid)
# - and _drop_application()/_add_application()/create/drop_principal run
# their DML without loading them. So every registry change an administrator
# makes from a fresh session goes unannounced; other backends keep their
# cached registry until some unrelated invalidation. (Same flag also makes a
# receiving backend ignore these tables' invalidations right after
# forget_principal_caches() reset it.)
. "$(dirname "$0")/principals_env.sh"
b64url() { basenc --base64url -w0 | tr -d '='; }
mk() { local now h c; now=$(date +%s)
  h=$(printf '{"alg":"EdDSA","typ":"JWT"}' | b64url)
  c=$(printf '{"sub":"acme:bob","aud":"esp","iat":%s,"exp":%s,"jti":"%s"}' $now $((now+60)) "$(od -An -tx1 -N8 /dev/urandom | tr -d ' \n')" | b64url)
  printf '%s.%s' "$h" "$c" > /tmp/atk5/in73; printf '%s.%s.%s' "$h" "$c" "$(openssl pkeyutl -sign -inkey "$1" -rawin -in /tmp/atk5/in73 | b64url)"; }
K2=/tmp/atk5/k2.key; K3=/tmp/atk5/k3.key
[ -f $K2 ] || openssl genpkey -algorithm ed25519 -out $K2 2>/dev/null
for variant in A B; do
  kid=$(sq -c "SELECT listguard.add_application('webapp', \$k\$$(openssl pkey -in $K2 -pubout)\$k\$)")
  a=$(mk $K2); sleep 1; b=$(mk $K2)
  ( U=webapp sq <<SQL 2>&1 | grep -E '^(ERROR|acme|[AB]:)' | cut -c1-150
BEGIN; SELECT '$variant: K2 before the drop'; SELECT listguard.act_as('$a'); COMMIT;
SELECT pg_sleep(3);
BEGIN; SELECT '$variant: K2 after the drop, same backend'; SELECT listguard.act_as('$b'); COMMIT;
SQL
  ) & sleep 1.5
  if [ $variant = A ]; then sq -c "SELECT listguard.drop_application('webapp', '$kid')" >/dev/null
  else sq -c "SELECT listguard.act_as('x')" -c "SELECT listguard.drop_application('webapp', '$kid')" >/dev/null 2>&1; fi
  wait
done
echo "-- C: require_principal switched on for webapp2"
rm -f $K3; openssl genpkey -algorithm ed25519 -out $K3 2>/dev/null   # a new key each run
# (re-runs: set webapp2 back to require_principal => false as a superuser:
#  UPDATE listguard.applications SET require_principal = false WHERE role = 'webapp2'::regrole)
sq -c "UPDATE listguard.applications SET require_principal = false WHERE role = 'webapp2'::regrole" >/dev/null 2>&1
( U=webapp2 sq <<'SQL' 2>&1 | cut -c1-150
SELECT 'C: before', email::text FROM subscribers WHERE id = 1;
SELECT pg_sleep(3);
SELECT 'C: after require_principal => true, same backend', email::text FROM subscribers WHERE id = 2;
SQL
) & sleep 1.5
sleep 0; sq -c "SELECT listguard.add_application('webapp2', \$k\$$(openssl pkey -in $K3 -pubout)\$k\$, require_principal => true)" >/dev/null; wait
U=webapp2 sq -c "SELECT 'C: new backend', email::text FROM subscribers WHERE id = 3"
