# Common environment for attack6's scripts (80-): a private server (PGBIN,
# PGHOST, PGPORT; superuser postgres), data /tmp/atk6/data, archive directory
# /tmp/atk6/archive, database atk6 owned by the non-superuser a6_dbo and made
# by atk6_setup.sql.
: "${PGBIN:=/tmp/pg-atk6/usr/lib/postgresql/15/bin}" "${PGHOST:=/tmp/atk6}" "${PGPORT:=5841}"
export PGHOST PGPORT
DATA=${DATA:-/tmp/atk6/data}
ARCH=${ARCH:-/tmp/atk6/archive}
sq() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=0 -U "${U:-postgres}" -d "${DB:-atk6}" "$@"; }
settle() { for _ in $(seq 200); do [ "$(sq -c 'SELECT listguard.audit_pending()')" = 0 ] && return 0; sleep 0.05; done; }
# A fresh fixture: database atk6 made again, the archive directory emptied.
fresh() { rm -rf "$ARCH"/*; "$PGBIN/psql" -X -q -U postgres -d postgres -f "$(dirname "${BASH_SOURCE[0]}")/atk6_setup.sql" >/dev/null 2>&1; settle; }
