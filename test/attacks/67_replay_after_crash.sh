#!/usr/bin/env bash
# 67: jti replay across a crash-restart and a restart. An assertion is used
# once; then (a) one of our own backends is killed with SIGKILL (the
# postmaster reinitialises shared memory, where used jtis live), and the
# same assertion is offered again; (b) likewise after pg_ctl restart -m
# immediate. A second assertion made before the crash and never used is
# offered too, and a fresh one 3 s after the start.
# Secure outcome: LGP03 for both old assertions (issued before the server
# began to remember), the fresh one accepted.
# Result: held (LGP05 on the same server; LGP03 after the crash-restart for the used and the unused assertion, LGP03 after the immediate restart; a fresh one 3 s after the start accepted).
. "$(dirname "$0")/principals_env.sh"
DATA=${DATA:-/tmp/atk5/data}
as() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
try() { U=webapp sq -c "BEGIN" -c "SELECT listguard.act_as('$1')" -c "SELECT listguard.current_principal()" -c "COMMIT" 2>&1 | grep -E "^(ERROR|acme)" | head -1; }
waitup() { for i in $(seq 1 30); do sq -c "select 1" >/dev/null 2>&1 && return; sleep 0.5; done; }
t1=$("$A" webapp acme:bob); t2=$("$A" webapp acme:bob)
echo "first use: $(try "$t1")"
echo "replay, same server: $(try "$t1")"
pid=$(U=webapp sq -c "select pg_backend_pid()" ; ) # a backend of ours, gone already; start one that waits
U=webapp sq -c "select pg_sleep(30)" >/dev/null 2>&1 & sleep 1
victim=$(sq -c "select pid from pg_stat_activity where usename='webapp' and query like 'select pg_sleep(30)%'")
kill -9 "$victim"; sleep 2; waitup
echo "after crash-restart, replay: $(try "$t1")"
echo "after crash-restart, unused pre-crash assertion: $(try "$t2")"
t3=$("$A" webapp acme:bob)
as "$PGBIN/pg_ctl" -D "$DATA" -m immediate -w restart -l /tmp/atk5/pg.log >/dev/null; waitup
echo "after immediate restart, pre-restart assertion: $(try "$t3")"
sleep 3; t4=$("$A" webapp acme:bob)
echo "fresh, 3 s after start: $(try "$t4")"
