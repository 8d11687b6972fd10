#!/usr/bin/env bash
# Principals end to end: the example app (examples/principals: psycopg 3,
# PyJWT) acts for two customer users and a support agent through pgbouncer
# in transaction mode with one server connection, so that every client's
# transactions share one backend. Each person sees their own rights, under
# the app's; the next client on that backend acts for nobody; quotas and
# the audit trail are per person; replayed, forged and long-lived
# assertions are refused. Then an assertion used before a crash, a restart
# or a promotion is refused after it, and a hot standby refuses act_as().
set -u
cd "$(dirname "$0")/../.."
. test/cluster/lib/servers.sh
. test/cluster/lib/tap.sh
. examples/principals/env.sh
trap 'example_stop; ${KEEP_SERVERS:+:} servers_cleanup' EXIT
echo "1..27"

example_start "max_prepared_transactions = 2" >/dev/null
out=$("$PYTHON" examples/principals/app.py check --dsn "$APP_DSN" --admin-dsn "$ADMIN_DSN" --key "$APP_KEY" 2>&1)
field() { printf '%s\n' "$out" | grep "^\[\"$1\"" | head -1; }
check "$(field alice_export)" '["alice_export", 50, 50, ["reader1@acme-news.example", "reader2@acme-news.example"]]' \
    "alice (Acme) exports her list in clear"
check "$(field carol_export)" '["carol_export", 50, 50, ["member1@globex-club.example", "member2@globex-club.example"]]' \
    "carol (Globex) exports hers"
check "$(field alice_reads_globex)" '["alice_reads_globex", 0]' "alice reads nothing of Globex's, though the app may"
check "$(printf '%s' "$(field sam_lookup)" | sed -E 's/p\.[a-z2-7]{12}@/p.<pseudonym>@/')" \
    '["sam_lookup", 1, "p.<pseudonym>@acme-news.example"]' "sam (support) finds a subscriber by address, as a pseudonym"
check "$(field after_alice)" '["after_alice", "acme:alice", null, true, 0, 100]' \
    "the next client on alice's pooled backend acts for nobody and sees masks"
check "$(field alice_over_quota)" \
    '["alice_over_quota", ["LG001", "export quota exceeded for principal \"acme:alice\" of role \"webapp\""]]' \
    "alice's own quota (60/hour) stops her second export"
check "$(field replay)" '["replay", ["LGP05", "assertion has been used already"]]' "a used assertion is refused"
check "$(field forged)" '["forged", ["LGP02", "assertion signature does not verify"]]' "a forged assertion is refused"
check "$(field set_principal)" \
    '["set_principal", ["42602", "invalid configuration parameter name \"listguard.principal\""]]' \
    "no setting holds the principal"
check "$(field long_lived)" '["long_lived", ["LGP01", "assertion lasts too long"]]' "an hour-long assertion is refused"
check "$(field audit | grep -c '"acme:alice", {"clear_reveal": \[60, 2\], "quota_exceeded": \[0, 1\]}')" 1 \
    "the audit trail counts alice's 60 clear values and her refusal"
check "$(field quota_usage)" '["quota_usage", {"acme:alice": 60, "globex:carol": 50}]' "quotas are per person"
check "$(field denied)" '["denied", {"bad signature": 1, "lifetime": 1, "replayed": 1}]' \
    "each refused act_as() is recorded as denied"

# The app's own connection, through pgbouncer, for what follows.
app_psql() { psql -X -q -A -t -h 127.0.0.1 -p "$BOUNCER_PORT" -U webapp -d esp "$@" 2>&1; }
assertion() { "$PYTHON" examples/principals/app.py assert "$1" --key "$APP_KEY"; }
act() { app_psql -c "BEGIN" -c "SELECT listguard.act_as('$1')" -c "COMMIT"; }
wait_ready() {
    for _ in $(seq 100); do
        [ "$(app_psql -c "SELECT 1")" = 1 ] && return 0
        sleep 0.2
    done
    return 1
}

# A prepared transaction keeps its session-level changes, as SET's do:
# end_principal() in it ends the session's principal for good, while the
# transaction's own principal ends with it. (The session form needs
# session_principals: registered with a second key for this.)
"$PYTHON" examples/principals/app.py keygen "$SERVERS_DIR/second.key" > "$SERVERS_DIR/second.pub"
# (psql substitutes :'pub' only in what it reads, not in -c.)
second_kid=$(on primary -d esp -v pub="$(cat "$SERVERS_DIR/second.pub")" \
    <<< "SELECT listguard.add_application('webapp', :'pub', session_principals => true)" 2>&1)
check "$(grep -cE '^[A-Za-z0-9_-]{43}$' <<< "$second_kid")" "1" "an application key registered for session principals"
prepared=$(app_psql -c "SELECT listguard.act_as('$(assertion acme:alice)', session => true)" \
    -c "BEGIN" -c "SELECT listguard.end_principal()" -c "PREPARE TRANSACTION 'lg_principal'" \
    -c "SELECT coalesce(listguard.current_principal(), 'nobody')")
check "$(head -1 <<< "$prepared") $(tail -1 <<< "$prepared")" "acme:alice nobody" \
    "a principal ended in a prepared transaction stays ended"
prepared=$(app_psql -c "BEGIN" -c "SELECT listguard.act_as('$(assertion acme:alice)')" \
    -c "PREPARE TRANSACTION 'lg_principal2'" -c "SELECT coalesce(listguard.current_principal(), 'nobody')" | tail -1)
check "$prepared" "nobody" "a prepared transaction's own principal ends with it"
on primary -d esp -c "ROLLBACK PREPARED 'lg_principal'" -c "ROLLBACK PREPARED 'lg_principal2'" >/dev/null
app_psql -c "SELECT listguard.end_principal()" >/dev/null
on primary -d esp -c "SELECT listguard.drop_application('webapp', '$second_kid')" >/dev/null

# A crash loses the server's memory of used assertions: those issued before
# it came back are refused.
tok=$(assertion acme:alice)
check "$(act "$tok")" "acme:alice" "an assertion works once"
backend=$(on primary -d esp -c "SELECT pid FROM pg_stat_activity WHERE usename = 'webapp' LIMIT 1")
kill -9 "$backend"
wait_ready
check "$(on primary -d esp -c "SELECT listguard._remembered_assertions()")" 0 \
    "a backend killed: the server restarted after a crash, its memory of assertions gone"
check_true '[[ "$(act "$tok")" == *"assertion was issued before the server began to remember assertions"* ]]' \
    "after a crash, the used assertion is refused"
sleep 3
check "$(act "$(assertion acme:alice)")" "acme:alice" "a fresh one works"

# So does a restart.
tok=$(assertion globex:carol)
check "$(act "$tok")" "globex:carol" "an assertion works once"
server_stop primary
server_start primary
wait_ready
check_true '[[ "$(act "$tok")" == *"assertion was issued before the server began to remember assertions"* ]]' \
    "after a restart, the used assertion is refused"
sleep 3

# A hot standby cannot know what the primary (or another standby) used.
standby_init standby1 >/dev/null
wait_replayed standby1
standby_psql() { psql -X -q -A -t -h "$SERVERS_DIR" -p "$(port_of standby1)" -U webapp -d esp "$@" 2>&1; }
check_true '[[ "$(standby_psql -c "SELECT listguard.act_as('"'$(assertion acme:alice)'"')")" == *"cannot act for a principal on a hot standby"* ]]' \
    "a hot standby refuses act_as()"
check "$(standby_psql -c "SELECT count(*) FILTER (WHERE email::text NOT LIKE '%***%') FROM subscribers")" 0 \
    "without a principal the app sees masks on the standby too"

# Promoted, it refuses what was issued before it became a primary: the old
# primary may have used it.
tok=$(assertion acme:alice)
check "$(act "$tok")" "acme:alice" "an assertion used on the primary"
wait_replayed standby1
as_server "$PGBIN/pg_ctl" -D "$SERVERS_DIR/standby1" -w promote >/dev/null
promoted_act() { standby_psql -c "BEGIN" -c "SELECT listguard.act_as('$1')" -c "COMMIT"; }
check_true '[[ "$(promoted_act "$tok")" == *"assertion was issued before the server began to remember assertions"* ]]' \
    "is refused on the promoted standby"
sleep 3
check "$(promoted_act "$(assertion acme:alice)")" "acme:alice" "a fresh one works there"
