# Common environment for attack9's scripts (96-): a private server made by
# atk9_server.sh (PGBIN, PGHOST, PGPORT; superuser postgres), database atk9
# owned by the non-superuser a9_dbo, made afresh by atk9_setup.sql.
: "${PGBIN:=/tmp/pg-atk9/usr/lib/postgresql/15/bin}" "${PGHOST:=/tmp/atk9}" "${PGPORT:=5931}"
export PGHOST PGPORT
sq() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=0 -U "${U:-postgres}" -d "${DB:-atk9}" "$@"; }
settle() { for _ in $(seq 200); do [ "$(sq -c 'SELECT listguard.audit_pending()')" = 0 ] && return 0; sleep 0.05; done; }
fresh() { "$PGBIN/psql" -X -q -U postgres -d postgres -v ON_ERROR_STOP=1 -f "$(dirname "${BASH_SOURCE[0]}")/atk9_setup.sql" >/dev/null; settle; }
# Plant every due canary now (a planting job's run), as the superuser.
plant_now() { sq -c "SELECT listguard.plant_due_canaries()" >/dev/null; }
