#!/usr/bin/env bash
# 80: a pg_monitor login (a role listguard now names as a monitor) reads
# listguard's superuser-only settings: listguard.canary_domains (docs:
# "only superusers can read it"), listguard.primary_conninfo (with its
# password), listguard.key_command. And any login reads canary_domains when
# it is set the way docs/canaries.md shows (ALTER DATABASE ... SET), from
# pg_db_role_setting. listguard_monitor alone is compared.
# Secure outcome: only superusers read these; canary domains nowhere public.
# Result: FINDING. pg_monitor (pg_read_all_settings) reads all three
# (SHOW and pg_settings); a plain login (a6_other) reads the ALTER DATABASE
# value of canary_domains from pg_db_role_setting. listguard_monitor alone
# is refused. (primary_conninfo via pg_read_all_settings is already listed in
# docs/security.md; canary_domains and key_command are not.)
. "$(dirname "$0")/atk6_env.sh"
sq -c "ALTER SYSTEM SET listguard.canary_domains='canary-trap.example'" \
   -c "ALTER SYSTEM SET listguard.primary_conninfo='host=p user=link password=s3cret'" -c "SELECT pg_reload_conf()" >/dev/null
sq -c "ALTER DATABASE atk6 SET listguard.canary_domains='db-canary.example'"
sleep 0.5
for u in a6_mon a6_pgmon a6_other; do
  echo "== $u"
  U=$u sq -c "SHOW listguard.canary_domains" -c "SHOW listguard.primary_conninfo" 2>&1
  U=$u sq -c "SELECT name, setting FROM pg_settings WHERE name IN ('listguard.canary_domains','listguard.primary_conninfo','listguard.key_command')" 2>&1
  U=$u sq -c "SELECT setconfig FROM pg_db_role_setting" 2>&1
done
sq -c "ALTER DATABASE atk6 RESET listguard.canary_domains" -c "ALTER SYSTEM RESET listguard.canary_domains" \
   -c "ALTER SYSTEM RESET listguard.primary_conninfo" -c "SELECT pg_reload_conf()" >/dev/null
