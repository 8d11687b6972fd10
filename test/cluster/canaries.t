#!/usr/bin/env bash
# Canaries across a dump and a restore, and the NOTIFY a canary hit sends:
# a pg_dump (custom format, as the superuser) of a database with canaries,
# restored into a new database, hides each role's canaries from the others
# there too, trace() still names their roles, and a hit reported there
# reaches a listener with ids only.
set -u
echo "1..5"
out=$(pg_virtualenv -t -o shared_preload_libraries=listguard bash -c '
set -e
work=$(mktemp -d)
chmod 777 "$work"
q() { psql -X -A -t -q -v ON_ERROR_STOP=1 "$@"; }
createdb src
q -d src >/dev/null <<SQL
CREATE EXTENSION listguard;
CREATE ROLE ca_alice; CREATE ROLE ca_bob; CREATE ROLE ca_mta;
CREATE TABLE subs (id serial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                   email listguard.email NOT NULL, plan text NOT NULL);
INSERT INTO subs (account_id, list_id, email, plan)
SELECT 1, 10, \$\$member\$\$ || g || \$\$@example.com\$\$, (ARRAY[\$\$free\$\$, \$\$pro\$\$])[1 + g % 2] FROM generate_series(1, 50) g;
SELECT listguard.protect(\$\$subs\$\$, \$\$account_id\$\$, \$\$list_id\$\$);
GRANT SELECT ON subs TO ca_alice, ca_bob, ca_mta;
SELECT listguard.grant_access(\$\$ca_alice\$\$, 1, 10, reveal => \$\$clear\$\$);
SELECT listguard.grant_access(\$\$ca_bob\$\$, 1, 10, reveal => \$\$clear\$\$);
SELECT listguard.grant_access(\$\$ca_mta\$\$, 1, reveal => \$\$clear\$\$, sends => true);
SET listguard.canary_domains = \$\$canaries.example\$\$;
SELECT listguard.plant_canaries(\$\$subs\$\$, 1, 10, ARRAY[\$\$ca_alice\$\$, \$\$ca_bob\$\$]::regrole[], 2);
SQL
counts() { for r in ca_alice ca_bob ca_mta; do q -d "$1" -c "SET ROLE $r" -c "SELECT count(*) FROM subs"; done | tr "\n" " "; }
echo "src_counts=$(counts src)"
q -d src -c "SET ROLE ca_alice" -c "SELECT email FROM subs WHERE id > 50 ORDER BY id" > "$work/alice_canaries"
env -u PGAPPNAME pg_dump -d src -Fc -f "$work/dump.fc"
createdb dst
pg_restore -d dst "$work/dump.fc" 2> "$work/restore.err" || true
echo "restore_errors=$(wc -l < "$work/restore.err")"
echo "dst_counts=$(counts dst)"
echo "dst_registry=$(q -d dst -c "SELECT count(*) FROM listguard.canaries WHERE role IS NOT NULL")"
first=$(head -1 "$work/alice_canaries")
echo "dst_trace=$(q -d dst -c "SELECT canary || \$\$ \$\$ || role FROM listguard.trace(upper(\$\$$first\$\$))")"
echo "bob_finds=$(q -d dst -c "SET ROLE ca_bob" -c "SELECT count(*) FROM subs WHERE email = \$\$$first\$\$")"
# A listener hears of a hit: canary id and event, no address.
echo "notify=$(psql -X -A -t -d dst -c "LISTEN listguard_canary" \
    -c "SELECT listguard.report_canary_hit(\$\$$first\$\$, now(), \$\$trap\$\$)" 2>&1 | grep -i notification | tr "\n" " ")"
rm -rf "$work"
' 2>&1)
line() { printf '%s\n' "$out" | grep "^$1=" | head -1 | cut -d= -f2-; }
say() { if [ "$2" = yes ]; then echo "ok $1 - $3"; else echo "not ok $1 - $3"; fi; }
[ -n "${CANARY_DEBUG:-}" ] && printf "%s\n" "$out" >&2
say 1 "$([ "$(line src_counts)" = "52 52 54 " ] && echo yes)" \
    "each role sees the 50 real rows and its own canaries, the sender all ($(line src_counts))"
say 2 "$([ "$(line restore_errors)" = 0 ] && [ "$(line dst_registry)" = 4 ] && echo yes)" \
    "the dump restores without an error, canaries and all (registry: $(line dst_registry))"
say 3 "$([ "$(line dst_counts)" = "52 52 54 " ] && [ "$(line bob_finds)" = 0 ] && echo yes)" \
    "after the restore each role still sees only its own canaries ($(line dst_counts); bob finds alice's: $(line bob_finds))"
say 4 "$([ "$(line dst_trace)" = "true ca_alice" ] && echo yes)" "trace() names the role in the restored database ($(line dst_trace))"
notify=$(line notify)
say 5 "$(case "$notify" in *'"canary"'*'"event" : "hit"'*) case "$notify" in *@*) ;; *) echo yes;; esac;; esac)" \
    "a hit reaches a listener of listguard_canary with ids only ($notify)"
