#!/usr/bin/env bash
# 68: a principal (5 clear an hour) reads clear addresses inside plpgsql
# exception blocks: each value is read in a subtransaction that then raises
# (the value carried out in SQLERRM), hoping the aborted subtransaction drops
# the reveal's audit count and gives back its quota charge.
# Secure outcome: 5 values at most, each with a clear_reveal event naming
# the principal, then quota_exceeded events naming it.
# Result: held.
. "$(dirname "$0")/principals_env.sh"
p="acme:sx$RANDOM"
sq -c "SELECT listguard.create_principal('$p', 1)" -c "SELECT listguard.grant_access(NULL, 1, 10, reveal => 'clear', quota => '5/hour', principal => '$p')" >/dev/null
before=$(sq -c "select max(id) from listguard.audit_log"); t=$("$A" webapp "$p")
U=webapp sq <<SQL 2>&1 | cut -c1-200
CREATE FUNCTION pg_temp.grab(n int) RETURNS text LANGUAGE plpgsql AS \$\$
DECLARE out text := ''; r record; v text;
BEGIN
  FOR r IN SELECT id FROM subscribers WHERE list_id = 10 ORDER BY id LIMIT n LOOP
    BEGIN
      SELECT s.email::text INTO v FROM subscribers s WHERE s.id = r.id;
      RAISE EXCEPTION 'x%', v;
    EXCEPTION WHEN OTHERS THEN out := out || ' ' || SQLERRM;
    END;
  END LOOP;
  RETURN out;
END \$\$;
BEGIN; SELECT listguard.act_as('$t'); SELECT pg_temp.grab(10); COMMIT;
SQL
sleep 1
sq -c "SELECT principal, used, remaining FROM listguard.quota_usage WHERE principal = '$p'" \
   -c "SELECT kind, detail->>'principal', count(*) FROM listguard.audit_log WHERE id > $before GROUP BY 1, 2"
