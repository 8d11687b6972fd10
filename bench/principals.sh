#!/usr/bin/env bash
# Acting for a principal per transaction through pgbouncer in transaction
# mode: act_as(assertion) and one indexed lookup, against the same lookup
# after SET LOCAL ROLE (what an app without principals would do to narrow
# its rights per request). Both through the same pgbouncer, both reading a
# clear value under a clear grant, both driven by bench/principals_client.c
# (libpq, the same statements and protocol but for the one that narrows the
# rights). The assertions are made before the runs (PyJWT, Ed25519), one
# fresh assertion per transaction.
# Run by bench/run (which starts the server with listguard.max_assertions
# raised: every assertion of a run stays remembered until it expires), or by
# hand against PGHOST/PGPORT as a superuser.
set -euo pipefail
. "$(dirname "$0")/common.sh"

BENCH_ROWS=${PRINCIPAL_ROWS:-100000}
CLIENTS=${PRINCIPAL_CLIENTS:-4}
SECONDS_PER_RUN=${PGBENCH_SECONDS:-5}
PER_RUN=${PRINCIPAL_TOKENS_PER_RUN:-15000} # per client: more than a run can use
PYTHON=${PYTHON:-/usr/bin/python3}
work=$(mktemp -d)
chmod 755 "$work"
bouncer_pid=""
trap '[ -n "$bouncer_pid" ] && kill "$bouncer_pid" 2>/dev/null; rm -rf "$work"' EXIT

# The app's key.
"$PYTHON" - "$work/app.key" > "$work/app.pub" <<'PY'
import sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
k = Ed25519PrivateKey.generate()
open(sys.argv[1], "wb").write(k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()))
sys.stdout.write(k.public_key().public_bytes(serialization.Encoding.PEM,
                                             serialization.PublicFormat.SubjectPublicKeyInfo).decode())
PY

database=$(psqlq -A -t -c "SELECT current_database()")
psqlq -v app_key="$(cat "$work/app.pub")" <<SQL >/dev/null
CREATE EXTENSION IF NOT EXISTS listguard;
DROP TABLE IF EXISTS p_subs;
CREATE TABLE p_subs (id int PRIMARY KEY, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect('p_subs', 'account_id', 'list_id');
INSERT INTO p_subs SELECT g, 1 + g % 3, 10, 'member' || g || '@example.com' FROM generate_series(1, $BENCH_ROWS) g;
DO \$\$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'p_app') THEN
        CREATE ROLE p_app LOGIN PASSWORD 'p_app';
        CREATE ROLE p_reader;
        GRANT p_reader TO p_app;
    END IF;
    -- The baseline's login: an app without principals (p_app requires
    -- one, so it would read masks through p_reader's grant).
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'p_pool') THEN
        CREATE ROLE p_pool LOGIN PASSWORD 'p_pool';
        GRANT p_reader TO p_pool;
    END IF;
END \$\$;
GRANT SELECT ON p_subs TO p_app, p_reader;
-- Again from scratch when run twice against one server.
SELECT listguard.drop_application('p_app') FROM listguard.applications WHERE role = 'p_app'::regrole;
SELECT listguard.drop_principal('bench:user') FROM listguard.principals WHERE name = 'bench:user';
SELECT listguard.revoke_access(id) FROM listguard.grants WHERE grantee IN ('p_app'::regrole, 'p_reader'::regrole);
SELECT listguard.grant_access('p_app', NULL, reveal => 'clear');
SELECT listguard.grant_access('p_reader', NULL, reveal => 'clear');
SELECT listguard.add_application('p_app', :'app_key', require_principal => true);
SELECT listguard.create_principal('bench:user');
SELECT listguard.grant_access(NULL, NULL, reveal => 'clear', principal => 'bench:user');
VACUUM ANALYZE p_subs;
SQL

# A server refuses assertions issued in its first seconds (before it
# started, plus listguard.assertion_leeway): a fresh one waits that out.
psqlq -c "SELECT pg_sleep(greatest(0, 3 - extract(epoch FROM now() - pg_postmaster_start_time())))" >/dev/null
# One assertion per transaction, per client and run, made now: files
# tokens.<run>.<client>.
runs=$((REPEAT + 1))
"$PYTHON" - "$work/app.key" "$database" "$CLIENTS" "$PER_RUN" "$runs" "$work/tokens" <<'PY'
import sys, time, uuid
import jwt
from cryptography.hazmat.primitives import serialization
key = serialization.load_pem_private_key(open(sys.argv[1], "rb").read(), password=None)
audience, clients, count, runs, prefix = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
now = int(time.time())
for run in range(runs):
    for c in range(clients):
        with open(f"{prefix}.{run}.{c}", "w") as out:
            for n in range(count):
                out.write(jwt.encode({"sub": "bench:user", "aud": audience, "iat": now, "exp": now + 300,
                                      "jti": uuid.uuid4().hex}, key, algorithm="EdDSA") + "\n")
PY
cc -O2 -o "$work/client" "$(dirname "$0")/principals_client.c" -I"$(pg_config --includedir)" -L"$(pg_config --libdir)" -lpq

# pgbouncer, transaction mode, one server connection per core.
bouncer_port=${BOUNCER_PORT:-$((PGPORT + 100))}
printf '"p_app" "p_app"\n"p_pool" "p_pool"\n' > "$work/userlist.txt"
cat > "$work/pgbouncer.ini" <<INI
[databases]
bench = host=${PGHOST:-localhost} port=$PGPORT dbname=$database
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $bouncer_port
unix_socket_dir =
auth_type = trust
auth_file = $work/userlist.txt
pool_mode = transaction
default_pool_size = $(nproc)
max_client_conn = 100
server_reset_query =
logfile = $work/pgbouncer.log
pidfile = $work/pgbouncer.pid
INI
if [ "$(id -u)" = 0 ]; then chown -R postgres: "$work"; runuser -u postgres -- pgbouncer -d -q "$work/pgbouncer.ini"
else pgbouncer -d -q "$work/pgbouncer.ini"; fi
for _ in $(seq 50); do [ -f "$work/pgbouncer.pid" ] && break; sleep 0.1; done
bouncer_pid=$(cat "$work/pgbouncer.pid")

conninfo="host=127.0.0.1 port=$bouncer_port dbname=bench user=p_app"
role_conninfo="host=127.0.0.1 port=$bouncer_port dbname=bench user=p_pool"
# Backend CPU (clock ticks) of the server connections pgbouncer holds:
# what the transactions cost the server, whatever else the machine runs.
backend_ticks() {
    local pids total=0 p
    pids=$(psqlq -A -t -c "SELECT pid FROM pg_stat_activity WHERE usename IN ('p_app', 'p_pool')")
    for p in $pids; do
        [ -r "/proc/$p/stat" ] && total=$((total + $(awk '{ print $14 + $15 }' "/proc/$p/stat")))
    done
    echo "$total"
}
# tps MODE RUN: one run through pgbouncer (act_as's with run RUN's
# assertions); prints its TPS and the server's CPU per transaction (us).
tps() {
    local before after t
    before=$(backend_ticks)
    local ci=$conninfo
    [ "$1" = role ] && ci=$role_conninfo
    t=$("$work/client" "$ci" "$1" "$CLIENTS" "$SECONDS_PER_RUN" "$BENCH_ROWS" "$work/tokens.$2")
    after=$(backend_ticks)
    echo "$t $(awk -v d=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$t" -v s="$SECONDS_PER_RUN" \
        'BEGIN { printf "%.0f", (n > 0 ? d / hz * 1e6 / (n * s) : 0) }')"
}
# What act_as's side does, checked once before measuring.
token=$("$PYTHON" -c "import sys,time,uuid,jwt; from cryptography.hazmat.primitives import serialization as s; \
k=s.load_pem_private_key(open('$work/app.key','rb').read(),None); t=int(time.time()); \
print(jwt.encode({'sub':'bench:user','aud':'$database','iat':t,'exp':t+60,'jti':uuid.uuid4().hex},k,algorithm='EdDSA'))")
check=$(psql -X -A -t "$conninfo" -c "BEGIN" -c "SELECT listguard.act_as('$token')" \
    -c "SELECT email::text FROM p_subs WHERE id = 1" -c "COMMIT" 2>&1 | tr '\n' ' ')
case "$check" in *"bench:user member1@example.com"*) ;; *) echo "act_as does not work through pgbouncer: $check" >&2; exit 1 ;; esac
check=$(psql -X -A -t "$role_conninfo" -c "BEGIN" -c "SET LOCAL ROLE p_reader" \
    -c "SELECT email::text FROM p_subs WHERE id = 1" -c "COMMIT" 2>&1 | tr '\n' ' ')
case "$check" in *"member1@example.com"*) ;; *) echo "the baseline does not read clear: $check" >&2; exit 1 ;; esac

tps role 0 >/dev/null
tps act_as 0 >/dev/null
best_role=0 best_act=0 cpu_role=0 cpu_act=0
for run in $(seq 1 "$REPEAT"); do
    read -r t c < <(tps role "$run"); if [ "${t:-0}" -gt "$best_role" ]; then best_role=$t; cpu_role=$c; fi
    read -r t c < <(tps act_as "$run"); if [ "${t:-0}" -gt "$best_act" ]; then best_act=$t; cpu_act=$c; fi
done

header "principals through pgbouncer, transaction mode ($CLIENTS clients)"
row "act_as + indexed lookup vs SET LOCAL ROLE (TPS)" "$best_role" "$best_act" "" ">= 0.8x"
row "  server CPU per transaction (us)" "$cpu_role" "$cpu_act" "" "(measured)"
