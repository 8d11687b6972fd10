#!/usr/bin/env bash
# 60: spotting a principal's canaries from SQL injected into the application.
# Tries: the attacker is SQL injected into webapp while it acts for acme:alice
# (whose canaries listguard planted). In one transaction it lists row ids as
# the app acting for nobody (masks, but rows as the app's grants allow), then
# act_as(alice) and lists them again: rows only alice sees are her canaries.
# It then reads alice's clear addresses minus those rows (a canary-free
# export) and checks no canary was "seen".
# Secure outcome: the two views list the same rows (a canary is shown,
# masked, to its application acting for nobody, or hidden from both), so
# the difference is empty.
# Result: FINDING (M) - the difference is exactly alice's 3 canaries. The
# same works with end_principal() or a rolled-back savepoint around act_as()
# inside one transaction: the app acting for nobody is a second view the
# attacker always has. Cause: caller_owns() (src/pg/canary/registry.cpp)
# makes a principal's canary invisible (row_visible false) to its own
# application acting for nobody; roles' canaries are deliberately visible to
# every member/login so that comparing one's own views singles none out.
. "$(dirname "$0")/principals_env.sh"
tok=$("$A" webapp acme:alice)
U=webapp sq <<SQL
BEGIN;
CREATE TEMP TABLE nobody_ids AS SELECT id FROM subscribers WHERE list_id = 10;
SELECT listguard.act_as('$tok');
CREATE TEMP TABLE alice_ids AS SELECT id FROM subscribers WHERE list_id = 10;
SELECT 'rows as nobody', count(*) FROM nobody_ids;
SELECT 'rows as alice', count(*) FROM alice_ids;
SELECT 'spotted canary ids', string_agg(id::text, ',') FROM (SELECT id FROM alice_ids EXCEPT SELECT id FROM nobody_ids) s;
COMMIT;
SQL
sq -c "SELECT 'planted canaries (admin view)', count(*) FROM listguard.canaries WHERE principal IS NOT NULL"
