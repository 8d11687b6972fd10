#!/usr/bin/env bash
# Monitoring without superuser (issue 23): Debian's prometheus-postgres-
# exporter, started on loopback with monitoring/postgres_exporter.yml and a
# login that is only a member of pg_monitor, scrapes a primary and a hot
# standby after a scripted workload. /metrics holds the listguard_* series
# with the values the workload made (values shown per role and level,
# quota use, refusals per reason, events per kind, a canary hit, the
# standby's link and lease), and no address anywhere; every series the
# Grafana dashboard (monitoring/grafana-dashboard.json) queries is there.
set -u
cd "$(dirname "$0")"
repo=$(cd ../.. && pwd)
. lib/servers.sh
. lib/tap.sh
exporters=""
cleanup() {
    for pid in $exporters; do kill "$pid" 2>/dev/null; done
    ${KEEP_SERVERS:+:} servers_cleanup
}
trap cleanup EXIT
echo "1..21"
exporter=$(command -v prometheus-postgres-exporter || true)
if [ -z "$exporter" ]; then
    for i in $(seq 21); do echo "not ok $i - prometheus-postgres-exporter is not installed (scripts/lib.sh installs it)"; done
    exit 1
fi

primary_init >/dev/null
on primary -d postgres -c "CREATE DATABASE esp" >/dev/null
on primary -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE EXTENSION listguard;
CREATE TABLE subs (id serial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL,
                   email listguard.email NOT NULL);
SELECT listguard.protect('subs', 'account_id', 'list_id');
INSERT INTO subs (account_id, list_id, email) SELECT 1, 10, 'watched' || g || '@example.com' FROM generate_series(1, 30) g;
SELECT setval('subs_id_seq', 1000);
-- A role named like an address: its name must reach no series unmasked.
CREATE ROLE "jane.doe@example.com" LOGIN;
CREATE ROLE pseud LOGIN;
CREATE ROLE nosy LOGIN;
GRANT SELECT, INSERT ON subs TO "jane.doe@example.com", pseud, nosy;
GRANT USAGE ON SEQUENCE subs_id_seq TO pseud;
SELECT listguard.grant_access('"jane.doe@example.com"', 1, reveal => 'clear', quota => '1000/day');
SELECT listguard.grant_access('pseud', 1, 10, reveal => 'pseudonym');
SELECT listguard.add_canary_addresses(ARRAY['monitored.canary@gmail.com']);
SELECT listguard.plant_canaries('subs', 1, 10, ARRAY['"jane.doe@example.com"']::regrole[], per_role => 1);
-- The exporter's login: pg_monitor, nothing else.
CREATE ROLE metrics LOGIN;
GRANT pg_monitor TO metrics;
SQL
# A table whose existing rows wait for background stamping (paused).
on primary -d postgres -c "ALTER SYSTEM SET listguard.background_stamping = off" -c "SELECT pg_reload_conf()" >/dev/null
on primary -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE TABLE waiting (id int, account_id bigint, list_id bigint, email listguard.email);
INSERT INTO waiting SELECT g, 1, 10, 'waiting' || g || '@example.com' FROM generate_series(1, 2000) g;
SET listguard.protect_stamp_budget = 0;
SELECT listguard.protect('waiting', 'account_id', 'list_id');
SQL
standby_init standby1
wait_replayed standby1

# The workload.
on primary -U "jane.doe@example.com" -c "SELECT email::text FROM subs" >/dev/null           # 31 clear (canary included)
on primary -U pseud -c "SELECT email::text FROM subs" >/dev/null                            # 30 pseudonyms
on primary -U pseud -c "INSERT INTO subs (account_id, list_id, email) SELECT 1, 11, email FROM subs WHERE id = 1" \
    >/dev/null 2>&1                                                                         # laundering, refused
on primary -U nosy -c "SELECT listguard.grant_access('nosy', NULL, reveal => 'clear')" >/dev/null 2>&1  # not an admin
on primary -U nosy -c "INSERT INTO subs (id, account_id, list_id, email) VALUES (2000, 1, 10, 'x@example.com')" \
    >/dev/null 2>&1                                                                         # row security
on primary -c "SELECT listguard.report_canary_hit('monitored.canary@gmail.com', now(), 'trap')" >/dev/null
on standby1 -U "jane.doe@example.com" -c "SELECT email::text FROM subs WHERE id <= 10" >/dev/null  # leases
for _ in $(seq 100); do
    [ "$(on primary -c "SELECT listguard.audit_pending()")" = 0 ] && break
    sleep 0.1
done

# Two exporters on loopback, as the pg_monitor login.
start_exporter() {
    local name=$1 port=$2
    DATA_SOURCE_NAME="host=$SERVERS_DIR port=$(port_of "$name") user=metrics dbname=esp sslmode=disable" \
        "$exporter" --web.listen-address="127.0.0.1:$port" --extend.query-path="$repo/monitoring/postgres_exporter.yml" \
        --log.level=warn >"$SERVERS_DIR/exporter.$name.log" 2>&1 &
    exporters="$exporters $!"
    for _ in $(seq 300); do # a minute: a loaded machine starts and scrapes slowly
        curl -sf "http://127.0.0.1:$port/metrics" -o "$SERVERS_DIR/metrics.$name" && \
            grep -q '^listguard_audit_log_events' "$SERVERS_DIR/metrics.$name" && return 0
        sleep 0.2
    done
    # Say why, for the next run's reader (the directory goes with the test).
    echo "# exporter for $name on port $port served nothing; its log:"
    sed 's/^/#   /' "$SERVERS_DIR/exporter.$name.log" | tail -20
    return 1
}
pport=$((SERVERS_BASE_PORT + 100))
sport=$((SERVERS_BASE_PORT + 101))
# quota_usage read around the scrape: the standby's lease of the quota is
# charged while held and partly given back later, so "used" may move.
quota_sql="SELECT used FROM listguard.quota_usage WHERE quota = '1000/day'"
quota_before=$(on primary -c "$quota_sql")
start_exporter primary "$pport"
quota_after=$(on primary -c "$quota_sql")
start_exporter standby1 "$sport"
m="$SERVERS_DIR/metrics.primary"
s="$SERVERS_DIR/metrics.standby1"
value() { grep -E "^$1[{ ]" "$2" | grep -F -- "$3" | awk '{ print $NF }' | head -1; }

check_true "[ -s $m ] && grep -q '^listguard_' $m" "the exporter serves listguard_* series from the primary as a pg_monitor login"
check_true "! grep -qi 'permission denied\|error' $SERVERS_DIR/exporter.primary.log" "with no permission error"
check "$(value listguard_reveals_total "$m" 'level="clear",role="j***@example.com"')" 31 \
    "clear values shown to the role: 31, its role name masked"
check "$(value listguard_reveals_total "$m" 'level="pseudonym",role="pseud"')" 30 "pseudonyms shown: 30"
scraped_used=$(value listguard_quota_used "$m" 'role="j***@example.com"')
check_true "[ -n \"$scraped_used\" ] && { [ \"$scraped_used\" = \"$quota_before\" ] || [ \"$scraped_used\" = \"$quota_after\" ]; }" \
    "quota used is quota_usage's (scraped $scraped_used, quota_usage $quota_before then $quota_after)"
check "$(value listguard_quota_limit "$m" 'role="j***@example.com"')" 1000 "quota limit"
check "$(value listguard_denials_total "$m" 'reason="laundering"')" 1 "one laundering refusal"
check "$(value listguard_denials_total "$m" 'reason="not an admin"')" 1 "one non-admin call refused"
check "$(value listguard_denials_total "$m" 'reason="row security"')" 1 "one write refused by row security"
check "$(value listguard_audit_events_total "$m" 'kind="clear_reveal"')" \
    "$(on primary -c "SELECT count(*) FROM listguard.audit_log WHERE kind = 'clear_reveal' AND origin IS NULL")" \
    "clear_reveal events counted as the log holds them"
check "$(value listguard_canary_hits_total "$m" 'verdict="leak"')" 1 "the canary hit, with its verdict"
check "$(value listguard_audit_queue_pending "$m" '')" 0 "nothing waits for the writer"
check "$(value listguard_protection_tables "$m" '')" 2 "two protected tables"
check "$(value listguard_stamp_pending_blocks "$m" 'table="public.waiting"')" \
    "$(on primary -c "SELECT end_block - next_block FROM listguard.stamp_queue")" "blocks waiting for background stamping"
check "$(value listguard_standby_links "$m" '')" 1 "the primary sees its standby's link"
check "$(value listguard_standby_is_standby "$s" '')" 1 "the standby says it is one"
check "$(value listguard_standby_link_up "$s" '')" 1 "its link is up"
check_true "[ \"\$(value listguard_standby_lease_units $s 'role=\"j***@example.com\"')\" -gt 0 ] 2>/dev/null" \
    "it holds a lease of the role's quota"
addresses=$(cat "$m" "$s" | grep -oE "[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+" | grep -v '\*\*\*@' | sort -u)
check "$addresses" "" "no address in any series of either server"
check "$(on primary -U metrics -c "SELECT count(*) FROM listguard.audit_log" 2>&1 | grep -c 'permission denied')" 1 \
    "the exporter's login still cannot read the audit log itself"

# Every series a panel of the dashboard queries is one the exporters serve.
missing=$(python3 - "$repo/monitoring/grafana-dashboard.json" "$m" "$s" <<'PY'
import json, re, sys
dashboard = json.load(open(sys.argv[1]))
served = set()
for path in sys.argv[2:]:
    for line in open(path):
        match = re.match(r"(listguard_[a-z0-9_]+)[{ ]", line)
        if match:
            served.add(match.group(1))
wanted = set()
def walk(panels):
    for p in panels:
        for t in p.get("targets", []):
            wanted.update(re.findall(r"\blistguard_[a-z0-9_]+", t.get("expr", "")))
        walk(p.get("panels", []))
walk(dashboard["panels"])
for v in dashboard.get("templating", {}).get("list", []):
    wanted.update(re.findall(r"\blistguard_[a-z0-9_]+", str(v.get("query", ""))))
print(" ".join(sorted(wanted - served)) if wanted else "no series queried")
PY
)
check "$missing" "" "every series the dashboard's panels query is served"
