#!/usr/bin/env bash
# 66: require_principal and roles that inherit the application role.
# An administrator gives a background-jobs login membership in webapp
# (GRANT webapp TO webapp_jobs: a common way to let a second pool or a cron
# job "be" the app). webapp is registered with require_principal, so webapp
# itself, acting for nobody, sees masks whatever role it sets.
# Tries: webapp_jobs (INHERIT, logs in as itself, never SET ROLE webapp)
# reads the lists with no principal.
# Secure outcome: the application's grants reach webapp_jobs only with a
# principal in force (masks without), or GRANT webapp TO ... is refused /
# warned about, or the documentation says so.
# Result: FINDING (L): webapp_jobs reads both accounts in clear through
# webapp's grants, charged to webapp, with no principal and no event saying
# so; the ceiling the application's grants were meant to be is a plain grant
# for any member. docs/limitations.md only covers the shared-login SET ROLE
# case. (The grant needs an administrator: a CREATEROLE role is refused.)
. "$(dirname "$0")/principals_env.sh"
sq -c "CREATE ROLE webapp_jobs LOGIN" -c "GRANT webapp TO webapp_jobs" 2>&1
U=webapp_jobs sq -c "SELECT current_user, coalesce(listguard.current_principal(), '(nobody)'), email::text FROM subscribers WHERE list_id IN (10, 20) AND id IN (1, 51)"
echo "-- control: webapp itself, no principal"
U=webapp sq -c "SELECT current_user, email::text FROM subscribers WHERE id IN (1, 51)"
sq -c "DROP ROLE webapp_jobs" >/dev/null
