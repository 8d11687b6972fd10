#!/usr/bin/env bash
# 41 — Citus: transit tokens taken out of the internal path.
#
# Tries: with the proof captured as in 40 (any role can, for itself), a
# session on a worker is "internal" and its results are transit tokens. Can a token
# (a) be turned into clear by a role that may not see it, (b) be replayed
# by another role for more than its own view, (c) of a fresh literal be
# replayed as "fresh" by another role, (d) be cast without charging the
# quota or without a clear_reveal event, (e) made up or truncated, crash
# or be accepted?
# Secure outcome: a token opens as the very value its role may already
# read (stamp kept), charged and recorded as any clear reveal; bad tokens
# are 22P02.
# Result: held. reader's token cast by viewer/outsider: masks; by
# exporter: clear, charged (quota_usage +1) and recorded; a fresh token
# is masked even to its typer on the coordinator; malformed tokens 22P02.
set -u
cd "$(dirname "$0")"
. ./citus_env.sh
citus_env_up
read -r shard node < <(shard_of 10)
# A proof is bound to the role it was made for (since the attack4 fixes):
# each role captures its own, from a connection its backend opens.
read -r proof gpid < <(ATTACKER=reader capture_proof)
read -r vproof vgpid < <(ATTACKER=viewer capture_proof)
as_citus() { PGAPPNAME="citus_internal gpid=$gpid" PGOPTIONS="-c listguard.citus_proof=$proof" at "$@"; }
as_citus_viewer() { PGAPPNAME="citus_internal gpid=$vgpid" PGOPTIONS="-c listguard.citus_proof=$vproof" at "$@"; }
tok=$(as_citus "$node" -U reader -c "SELECT email FROM $shard WHERE account_id = 1 ORDER BY id LIMIT 1")
clear=$(at "$node" -U reader -c "SELECT email FROM $shard WHERE account_id = 1 ORDER BY id LIMIT 1")
echo "token from reader's proven session: ${tok:0:40}..."
bad=0
for r in viewer outsider; do
    got=$(at coordinator -U $r -c "SELECT '$tok'::listguard.email" 2>&1 | head -1)
    echo "$r casts it: $got"; [ "$got" = "$clear" ] && bad=1
done
used0=$(at coordinator -c "SELECT coalesce(sum(used), 0) FROM listguard.quota_usage WHERE role = 'exporter'::regrole")
ev0=$(at coordinator -c "SELECT count(*) FROM listguard.audit_log WHERE kind = 'clear_reveal' AND detail->>'role' = 'exporter'")
echo "exporter casts it: $(at coordinator -U exporter -c "SELECT '$tok'::listguard.email" 2>&1 | head -1)"
sleep 2
used1=$(at coordinator -c "SELECT coalesce(sum(used), 0) FROM listguard.quota_usage WHERE role = 'exporter'::regrole")
ev1=$(at coordinator -c "SELECT count(*) FROM listguard.audit_log WHERE kind = 'clear_reveal' AND detail->>'role' = 'exporter'")
echo "exporter quota used $used0 -> $used1, clear_reveal events $ev0 -> $ev1"
[ "$used1" -gt "$used0" ] && [ "$ev1" -gt "$ev0" ] || bad=1
ftok=$(as_citus_viewer "$node" -U viewer -c "SELECT 'fresh.secret@example.org'::listguard.email")
echo "fresh token typed by viewer, cast by viewer: $(at coordinator -U viewer -c "SELECT '$ftok'::listguard.email")," \
     "by outsider: $(at coordinator -U outsider -c "SELECT '$ftok'::listguard.email")"
for t in "lgt1:" "lgt1:====" "lgt1:${tok:5:20}" "${tok}AAAA" "${tok:0:60}" "lgt1:$(head -c 3000 /dev/zero | tr '\0' A)"; do
    err=$(at coordinator -U outsider -c "SELECT '$t'::listguard.email" 2>&1 | head -1)
    case $err in *"transit token is not valid"*|*"invalid"*) ;; *) echo "unexpected for ${t:0:30}: $err"; bad=1 ;; esac
done
at coordinator -c "SELECT 1" >/dev/null || bad=1
[ $bad = 0 ] && echo "RESULT: held" || echo "RESULT: FINDING"
