#!/usr/bin/env bash
# 82: a pg_monitor login (pg_read_all_stats) reads pg_stat_activity.query of
# a reader's session whose SQL holds an address (a lookup by address).
# listguard_monitor alone is compared.
# Secure outcome: monitors never see an address.
# Result: FINDING (M, documentation/design). pg_monitor sees the full query
# text with the address; listguard_monitor sees <insufficient privilege>.
# PostgreSQL's own behaviour, but listguard offers pg_monitor as its monitor
# without saying that pg_monitor sees addresses in query texts (and
# pg_stat_statements' constants when not normalised).
. "$(dirname "$0")/atk6_env.sh"
U=a6_clear sq -c "SELECT count(*) FROM subs WHERE email = 'secret.person@victim.example' AND pg_sleep(3) IS NOT NULL" >/dev/null &
sleep 1
for u in a6_mon a6_pgmon; do echo "== $u"; U=$u sq -c "SELECT usename, query FROM pg_stat_activity WHERE usename = 'a6_clear'"; done
wait
