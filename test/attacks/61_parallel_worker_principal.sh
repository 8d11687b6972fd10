#!/usr/bin/env bash
# 61: parallel workers and the principal. webapp2 is an application WITHOUT
# require_principal (clear on accounts 1-2 acting for nobody); it acts for
# acme:bob (pseudonyms of list 10). If a parallel worker failed to find its
# leader's principal it would decide as webapp2 acting for nobody (clear).
# The filter email::text LIKE 'reader%' runs in the worker (force_parallel_mode).
# Secure outcome: 0 rows match under bob, serial and parallel; the control
# (webapp2 for nobody, parallel) matches 50.
# Result: held.
. "$(dirname "$0")/principals_env.sh"
tok=$("$A" other acme:bob)
par="SET LOCAL parallel_setup_cost=0; SET LOCAL parallel_tuple_cost=0; SET LOCAL min_parallel_table_scan_size=0; SET LOCAL force_parallel_mode=on;"
q="SELECT count(*) FROM subscribers WHERE list_id=10 AND email::text LIKE 'reader%@acme-news.example'"
U=webapp2 sq <<SQL
BEGIN; SELECT listguard.act_as('$tok'); $par
SELECT 'bob, parallel', ($q);
SELECT 'bob, parallel, in a worker-run function', count(*) FROM (SELECT listguard.current_principal() p FROM subscribers) s WHERE p IS NULL;
COMMIT;
BEGIN; $par SELECT 'nobody (control), parallel', ($q); COMMIT;
SQL
