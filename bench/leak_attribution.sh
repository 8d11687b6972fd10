#!/usr/bin/env bash
# Leak attribution (docs/canaries.md): how often trace_leak() names
# the role that leaked a file, names nobody, or names a role that did not
# leak it. Run by bench/run, or against any server with listguard preloaded
# (PGHOST, PGPORT, PGUSER: a superuser).
#
# For each density of canaries (DENSITIES, canaries per role), a database
# with a realistic list (bench/leak_list.sql: LIST_ROWS subscribers, names
# that match their addresses, providers and a long tail of domains), seven
# roles that read it in clear and a sender (the MTA, which reads every
# canary), canaries planted one role at a time. Each role exports the list
# (in clear, so its reveals are recorded). Then, for every role and sample
# size (SAMPLES, in % of its export), LEAKS simulated leaks: a random share
# of the export, shuffled, reformatted (lower case, CSV with names,
# "Name" <address>, upper case), padded with outside addresses, given to
# trace_leak(). Prints correct / none / wrong in % of the leaks, and how
# long trace_leak() took per 10,000 lines; then the time of a 10,000-line
# file with 1,000 canaries registered.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"

LIST_ROWS="${LIST_ROWS:-100000}"
LEAKS="${LEAKS:-32}"
DENSITIES="${DENSITIES:-3 10 50 62}"
SAMPLES="${SAMPLES:-1 5 10 50}"
ROLES="lk_r1 lk_r2 lk_r3 lk_r4 lk_r5 lk_r6 lk_r7 lk_mta"
nroles=8

for r in $ROLES; do
    psqlq -d postgres -c "DO \$\$ BEGIN CREATE ROLE $r; EXCEPTION WHEN duplicate_object THEN NULL; END \$\$" >/dev/null
done

setup_database() {
    local db=$1 per_role=$2
    psqlq -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
    psqlq -d "$db" -f "$here/leak_list.sql" >/dev/null
    psqlq -d "$db" >/dev/null <<SQL
SET client_min_messages = warning;
CREATE EXTENSION listguard;
CREATE TABLE lk_subs (
    id         serial PRIMARY KEY,
    account_id bigint NOT NULL,
    list_id    bigint NOT NULL,
    email      listguard.email NOT NULL,
    first_name text,
    last_name  text,
    status     text,
    source     text,
    score      integer,
    country    text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, list_id, email)
);
CREATE TABLE lk_people AS
SELECT DISTINCT ON (lower(p.address)) p.* FROM generate_series(1, $LIST_ROWS * 11 / 10) g, LATERAL lk.person(g) p
ORDER BY lower(p.address), random();
INSERT INTO lk_subs (account_id, list_id, email, first_name, last_name, status, source, score, country)
SELECT 1, 10, address, first_name, last_name, status, source, score, country
FROM (SELECT * FROM lk_people ORDER BY random() LIMIT $LIST_ROWS) p;
SELECT listguard.protect('lk_subs', 'account_id', 'list_id');
GRANT SELECT ON lk_subs TO $(echo $ROLES | tr ' ' ',');
SELECT listguard.grant_access(r::regrole, 1, 10, reveal => 'clear')
FROM unnest(string_to_array('$ROLES', ' ')) r WHERE r <> 'lk_mta';
SELECT listguard.grant_access('lk_mta', 1, reveal => 'clear', sends => true);
CREATE TABLE lk_export (role text, id integer, first_name text, last_name text, address text);
CREATE INDEX ON lk_export (role);
SQL
    # Canaries, one role at a time, in a random order.
    for r in $(echo $ROLES | tr ' ' '\n' | shuf); do
        psqlq -d "$db" -c "SET listguard.canary_domains = 'mail-ops01.net, post-relay.org, inbox-svc.com, mx-hub.net'" \
            -c "SELECT listguard.plant_canaries('lk_subs', 1, 10, ARRAY['$r']::regrole[], per_role => $per_role)" >/dev/null
    done
    # Every role exports the list in clear.
    for r in $ROLES; do
        psqlq -d "$db" -c "SET ROLE $r" \
            -c "COPY (SELECT id, first_name, last_name, email::text FROM lk_subs WHERE list_id = 10) TO STDOUT" |
            sed "s/^/$r\t/" | psqlq -d "$db" -c "COPY lk_export FROM STDIN"
    done
    psqlq -d "$db" >/dev/null <<'SQL'
-- n leaks of `who`'s export, each a share q of it: how many name the leaker
-- alone (correct), nobody, or another role (wrong), the lines and the time.
CREATE FUNCTION lk_simulate(who text, q float8, n integer, OUT correct integer, OUT nobody integer,
                            OUT wrong integer, OUT lines bigint, OUT ms float8)
LANGUAGE plpgsql AS $$
DECLARE
    leak text[];
    fmt integer;
    t0 timestamptz;
    hit integer;
    other integer;
    named text;
BEGIN
    correct := 0; nobody := 0; wrong := 0; lines := 0; ms := 0;
    FOR i IN 1..n LOOP
        fmt := floor(random() * 4)::integer;
        SELECT array_agg(x.line ORDER BY random()) INTO leak FROM (
            SELECT CASE fmt WHEN 0 THEN lower(e.address)
                            WHEN 1 THEN format('%s,%s,%s', e.first_name, e.last_name, lower(e.address))
                            WHEN 2 THEN format('"%s %s" <%s>', e.first_name, e.last_name, e.address)
                            ELSE upper(e.address) END AS line
            FROM lk_export e WHERE e.role = who AND random() < q
            UNION ALL
            SELECT 'someone' || g || '.' || floor(random() * 1e9)::bigint || '@breach-example.net'
            FROM generate_series(1, 1 + floor(random() * 1000 * q)::integer) g) x;
        t0 := clock_timestamp();
        SELECT count(*) FILTER (WHERE t.likely AND t.role::text = who),
               count(*) FILTER (WHERE t.likely AND t.role::text <> who),
               string_agg(format('%s %s/%s/%s %s %s', t.role, t.canaries_found, t.canaries_visible,
                                 t.canaries_revealed, t.odds, t.likely), '; ')
        INTO hit, other, named FROM listguard.trace_leak(leak) t;
        ms := ms + extract(epoch FROM clock_timestamp() - t0) * 1000;
        lines := lines + cardinality(leak);
        IF other > 0 THEN
            wrong := wrong + 1;
            RAISE WARNING 'wrong: % leaked % %%: %', who, q * 100, named;
        ELSIF hit > 0 THEN
            correct := correct + 1;
        ELSE
            nobody := nobody + 1;
        END IF;
    END LOOP;
END
$$;
SQL
}

declare -A cell
declare -A timing
for c in $DENSITIES; do
    db="lk_attr_$c"
    setup_database "$db" "$c"
    for s in $SAMPLES; do
        tc=0 tn=0 tw=0 tl=0 tm=0
        for r in $ROLES; do
            read -r a b w l m < <(psqlq -d "$db" -At -F ' ' -c "SET client_min_messages = warning" \
                -c "SELECT * FROM lk_simulate('$r', $s / 100.0, $LEAKS)")
            tc=$((tc + a)) tn=$((tn + b)) tw=$((tw + w)) tl=$((tl + l))
            tm=$(awk -v x="$tm" -v y="$m" 'BEGIN { print x + y }')
        done
        total=$((tc + tn + tw))
        cell[$c,$s]=$(awk -v a=$tc -v b=$tn -v w=$tw -v t=$total \
            'BEGIN { printf "%.1f / %.1f / %s%.1f%s", 100*a/t, 100*b/t, (w ? "**" : ""), 100*w/t, (w ? "**" : "") }')
        timing[$c,$s]=$(awk -v m="$tm" -v l="$tl" 'BEGIN { printf "%.0f", m / l * 10000 }')
        echo "  $c per role, $s %: correct $tc, none $tn, wrong $tw of $total (trace_leak ${timing[$c,$s]} ms / 10k lines)" >&2
    done
done

echo
echo "leak attribution: $LIST_ROWS subscribers, 7 readers and a sender, $LEAKS leaks of each role per cell"
printf '| canaries per role (share of list) |'
for s in $SAMPLES; do printf ' %s %% sample |' "$s"; done
printf '\n| --- |'
for s in $SAMPLES; do printf ' --- |'; done
printf '\n'
for c in $DENSITIES; do
    printf '| %s (%s %%) — correct / none / wrong |' "$c" "$(awk -v c=$c -v n=$nroles -v r=$LIST_ROWS 'BEGIN { printf "%.2f", 100*c*n/r }')"
    for s in $SAMPLES; do printf ' %s |' "${cell[$c,$s]}"; done
    printf '\n'
done
printf '| trace_leak, ms per 10,000 lines |'
for s in $SAMPLES; do
    worst=0
    for c in $DENSITIES; do [ "${timing[$c,$s]}" -gt "$worst" ] && worst=${timing[$c,$s]}; done
    printf ' %s |' "$worst"
done
printf '\n'

# trace_leak with 1,000 canaries registered: the last database, canaries
# added in a second list until 1,000 are, then a 10,000-line leak, best and
# median of 11.
db="lk_attr_$(echo $DENSITIES | awk '{ print $NF }')"
psqlq -d "$db" >/dev/null <<SQL
SET client_min_messages = warning;
SET listguard.canary_domains = 'mail-ops01.net, post-relay.org, inbox-svc.com, mx-hub.net';
INSERT INTO lk_subs (account_id, list_id, email, first_name, last_name, status, source, score, country)
SELECT 1, 11, address, first_name, last_name, status, source, score, country
FROM (SELECT * FROM lk_people ORDER BY random() LIMIT 20000) p;
SQL
while :; do
    missing=$(psqlq -d "$db" -At -c "SELECT 1000 - count(*) FROM listguard.canaries WHERE role IS NOT NULL")
    [ "$missing" -gt 0 ] || break
    per=$(( (missing + nroles - 1) / nroles )); [ "$per" -gt 100 ] && per=100
    psqlq -d "$db" -c "SET client_min_messages = warning" \
        -c "SET listguard.canary_domains = 'mail-ops01.net, post-relay.org, inbox-svc.com, mx-hub.net'" \
        -c "SELECT listguard.plant_canaries('lk_subs', 1, 11, NULL, per_role => $per)" >/dev/null
done
registered=$(psqlq -d "$db" -At -c "SELECT count(*) FROM listguard.canaries WHERE role IS NOT NULL")
times=$(psqlq -d "$db" -At <<'SQL'
SET client_min_messages = warning;
CREATE FUNCTION pg_temp.lk_time(file text[]) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    t0 timestamptz;
    ms float8[] := '{}';
BEGIN
    FOR i IN 1..11 LOOP
        t0 := clock_timestamp();
        PERFORM * FROM listguard.trace_leak(file);
        ms := ms || extract(epoch FROM clock_timestamp() - t0) * 1000;
    END LOOP;
    RETURN (SELECT format('best %s ms, median %s ms', round(min(x)::numeric),
                          round((percentile_cont(0.5) WITHIN GROUP (ORDER BY x))::numeric))
            FROM unnest(ms) x);
END
$$;
SELECT pg_temp.lk_time(ARRAY(SELECT lower(address) FROM lk_export WHERE role = 'lk_r1' ORDER BY random() LIMIT 10000));
SQL
)
echo
echo "trace_leak of a 10,000-line file with $registered canaries registered: $times"
