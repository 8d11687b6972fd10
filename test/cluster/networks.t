#!/usr/bin/env bash
# from_networks and expiry, over TCP (127.0.0.1) and the Unix socket: a
# grant limited to networks gives no more than masked (and no writing) to a
# connection from elsewhere, and a Unix-socket connection is outside every
# network; an expired grant gives masked on either transport.
set -u
echo "1..8"
out=$(pg_virtualenv -t -o shared_preload_libraries=listguard bash -c '
set -e
hba=$(psql -X -A -t -c "SHOW hba_file")
sockdir=$(psql -X -A -t -c "SHOW unix_socket_directories" | cut -d, -f1)
{ echo "local all all trust"; echo "host all all 127.0.0.1/32 trust"; echo "host all all ::1/128 trust"; cat "$hba"; } > "$hba.new"
cat "$hba.new" > "$hba" && rm -f "$hba.new"
psql -X -q -c "SELECT pg_reload_conf()" >/dev/null
sleep 1
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE EXTENSION listguard;
CREATE ROLE mta LOGIN;
CREATE ROLE outsider LOGIN;
CREATE ROLE temp_staff LOGIN;
CREATE TABLE subs (id int, account_id bigint, list_id bigint, email listguard.email);
SELECT listguard.protect(\$\$subs\$\$, \$\$account_id\$\$, \$\$list_id\$\$);
INSERT INTO subs VALUES (1, 1, 10, \$\$jane.doe@example.com\$\$);
GRANT SELECT, INSERT ON subs TO mta, outsider, temp_staff;
SELECT listguard.grant_access(\$\$mta\$\$, NULL, reveal => \$\$clear\$\$, can_write => true,
                              from_networks => \$\${127.0.0.1/32,::1/128}\$\$);
SELECT listguard.grant_access(\$\$outsider\$\$, NULL, reveal => \$\$clear\$\$, from_networks => \$\${10.0.0.0/8}\$\$);
SELECT listguard.grant_access(\$\$temp_staff\$\$, NULL, reveal => \$\$clear\$\$,
                              valid_until => clock_timestamp() + interval \$\$2 seconds\$\$);
SQL
q() { psql -X -A -t "$@" 2>&1 | tr "\n" " "; }
echo "tcp_mta=$(q -h 127.0.0.1 -U mta -c "SELECT email FROM subs")"
echo "unix_mta=$(q -h "$sockdir" -U mta -c "SELECT email FROM subs")"
echo "tcp_outsider=$(q -h 127.0.0.1 -U outsider -c "SELECT email FROM subs")"
echo "tcp_mta_write=$(q -h 127.0.0.1 -U mta -c "INSERT INTO subs VALUES (2, 1, 10, \$\$a@example.com\$\$)")"
echo "unix_mta_write=$(q -h "$sockdir" -U mta -c "INSERT INTO subs VALUES (3, 1, 10, \$\$b@example.com\$\$)")"
echo "tcp_temp_before=$(q -h 127.0.0.1 -U temp_staff -c "SELECT email FROM subs WHERE id = 1")"
sleep 2.5
echo "tcp_temp_after=$(q -h 127.0.0.1 -U temp_staff -c "SELECT email FROM subs WHERE id = 1")"
echo "unix_temp_after=$(q -h "$sockdir" -U temp_staff -c "SELECT email FROM subs WHERE id = 1")"
' 2>/dev/null)

check() { # number, description, variable, expected substring
    local line
    line=$(printf '%s\n' "$out" | grep "^$3=" | head -1)
    case "$line" in
        *"$4"*) echo "ok $1 - $2" ;;
        *) echo "not ok $1 - $2"; echo "#   got: $line"; echo "#   expected to contain: $4" ;;
    esac
}
check 1 "TCP from an allowed network sees clear" tcp_mta "jane.doe@example.com"
check 2 "the Unix socket is outside every network: masked" unix_mta "j***@example.com"
check 3 "TCP from outside the networks sees masked" tcp_outsider "j***@example.com"
check 4 "writes allowed from an allowed network" tcp_mta_write "INSERT 0 1"
check 5 "no writes from outside the networks" unix_mta_write "violates row-level security policy"
check 6 "a grant sees clear before it expires" tcp_temp_before "jane.doe@example.com"
check 7 "an expired grant gives masked over TCP" tcp_temp_after "j***@example.com"
check 8 "an expired grant gives masked over the Unix socket" unix_temp_after "j***@example.com"
