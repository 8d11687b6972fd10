#!/usr/bin/env bash
# Round 3, class 4 (canaries told apart by writes) over 0.3's write paths,
# which 04_* predates: protected COPY FROM (text, csv, binary-free), the
# write-back of a mask (literal, bound parameter, CASE, COALESCE) and the
# rewritten lookups in UPDATE/DELETE/ON CONFLICT. A clear writer (a_other,
# 2/21) and a masked writer (a_writer, 1/11) each get canaries planted; each
# statement runs against each canary and an ordinary row of the same list
# (inside a transaction rolled back), and the outcomes (SQLSTATE, message
# with digits blanked, rows affected) are compared.
# Expected secure outcome: no statement's outcome differs between a role's
# canaries and its ordinary rows.
# RESULT: held (18 statements, two roles).
# Needs PGHOST, PGPORT (superuser postgres), the setup.sql fixture.
set -u
P="psql -X -q -d atk"
$P -U postgres -At >/dev/null <<'SQL'
SELECT listguard.add_canary_addresses(ARRAY['lucy.wright52@gmail.com','tom.baker19@yahoo.com','nina.patel@outlook.com','sam.ortiz8@gmail.com'])
WHERE NOT EXISTS (SELECT FROM listguard.canaries WHERE role = 'a_writer'::regrole);
SELECT listguard.plant_canaries('subs', 2, 21, ARRAY['a_other']::regrole[], per_role => 2)
WHERE NOT EXISTS (SELECT FROM listguard.canaries WHERE role = 'a_other'::regrole);
SELECT listguard.plant_canaries('subs', 1, 11, ARRAY['a_writer']::regrole[], per_role => 2)
WHERE NOT EXISTS (SELECT FROM listguard.canaries WHERE role = 'a_writer'::regrole);
SQL
# canary ids per role (the attacker does not know them; the harness does)
canaries() { $P -U postgres -At -c "SELECT string_agg(s.id::text, ' ') FROM subs s JOIN listguard.canaries c ON c.address = s.email WHERE c.role = '$1'::regrole"; }
plain() { $P -U postgres -At -c "SELECT string_agg(id::text, ' ') FROM (SELECT s.id FROM subs s WHERE account_id = $2 AND list_id = $3 AND NOT EXISTS (SELECT FROM listguard.canaries c WHERE c.address = s.email) ORDER BY id DESC LIMIT 2) x"; }
outcome() { # role, sql
  local out
  out=$(printf 'BEGIN;\n%s\nROLLBACK;\n' "$2" | $P -U "$1" -v ON_ERROR_STOP=0 2>&1 | grep -vE '^(BEGIN|ROLLBACK)$' | sed -E "s/[0-9]+/N/g; s/\"[^\"]*@[^\"]*\"/\"ADDR\"/g; s/'[^']*@[^']*'/'ADDR'/g" | tr '\n' ' ')
  printf '%s' "${out:-ok}"
}
try() { # role, acct, list, label, template with ID, ADDR, MASK
  local role=$1 acct=$2 lst=$3 label=$4 tpl=$5 kind id addr mask sql res
  declare -A seen=([canary]="" [plain]="")
  for kind in canary plain; do
    if [ $kind = canary ]; then ids=$(canaries $role); else ids=$(plain $role $acct $lst); fi
    for id in $ids; do
      addr=$($P -U a_sender -At -c "SELECT email FROM subs WHERE id = $id")
      mask=$($P -U $role -At -c "SELECT email FROM subs WHERE id = $id")
      sql=${tpl//ID/$id}; sql=${sql//ADDR_UPPER/${addr^^}}; sql=${sql//ADDR/$addr}; sql=${sql//MASK/$mask}
      res=$(outcome $role "$sql")
      seen[$kind]+="[$res]"
    done
  done
  local c=$(printf '%s' "${seen[canary]}" | grep -o '\[[^]]*\]' | sort -u | tr -d '\n')
  local p=$(printf '%s' "${seen[plain]}" | grep -o '\[[^]]*\]' | sort -u | tr -d '\n')
  if [ "$c" = "$p" ]; then printf 'held     %-8s %s\n' "$role" "$label"; else printf 'FINDING  %-8s %s\n   canary: %s\n   plain:  %s\n' "$role" "$label" "$c" "$p"; fi
}
# a_other: clear writer of 2/21
try a_other 2 21 copy_dup_text   $'COPY subs (account_id, list_id, email) FROM STDIN;\n2\t21\tADDR\n\\.'
try a_other 2 21 copy_dup_upper  $'COPY subs (account_id, list_id, email) FROM STDIN;\n2\t21\tADDR_UPPER\n\\.' 
try a_other 2 21 copy_dup_csv    $'COPY subs (account_id, list_id, email) FROM STDIN WITH (FORMAT csv);\n2,21," ADDR "\n\\.'
try a_other 2 21 copy_id_clash   $'COPY subs (id, account_id, list_id, email) FROM STDIN;\nID\t2\t21\tfresh-ID@example.net\n\\.'
try a_other 2 21 lookup_update   "UPDATE subs SET list_id = list_id WHERE email::text = 'ADDR';"
try a_other 2 21 lookup_upper    "UPDATE subs SET list_id = list_id WHERE upper(email::text) = upper('ADDR');"
try a_other 2 21 lookup_delete   "DELETE FROM subs WHERE lower(email::text) = lower('ADDR');"
try a_other 2 21 lookup_conflict "INSERT INTO subs (account_id, list_id, email) VALUES (2, 21, 'ADDR') ON CONFLICT (account_id, email) DO UPDATE SET list_id = 21 WHERE subs.email::text = 'ADDR';"
try a_other 2 21 writeback_text  "UPDATE subs SET email = 'ADDR'::text WHERE id = ID;"
try a_other 2 21 merge_lookup    "MERGE INTO subs t USING (SELECT 'ADDR'::text AS a) s ON t.email::text = s.a WHEN MATCHED THEN UPDATE SET list_id = 21;"
# a_writer: masked writer of 1/11
try a_writer 1 11 wb_literal     "UPDATE subs SET email = 'MASK' WHERE id = ID;"
try a_writer 1 11 wb_param       $'PREPARE w(listguard.email) AS UPDATE subs SET email = $1 WHERE id = ID;\nEXECUTE w(\'MASK\');'
try a_writer 1 11 wb_case        "UPDATE subs SET email = CASE WHEN id = ID THEN 'MASK' ELSE email END WHERE id = ID;"
try a_writer 1 11 wb_coalesce    "UPDATE subs SET email = COALESCE(NULL, 'MASK') WHERE id = ID;"
try a_writer 1 11 wb_text_cast   "UPDATE subs SET email = 'MASK'::text WHERE id = ID;"
try a_writer 1 11 wb_list_move   "UPDATE subs SET email = 'MASK', list_id = 12 WHERE id = ID;"
try a_writer 1 11 wb_written_fn  "SELECT listguard._written_back(email, 'MASK'::text, 'subs'::regclass, 4::int2) IS NOT NULL FROM subs WHERE id = ID;"
try a_writer 1 11 copy_mask      $'COPY subs (account_id, list_id, email) FROM STDIN;\n1\t11\tMASK\n\\.'
