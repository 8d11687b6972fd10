# Common environment for attack5's principal scripts (60-69): a private
# server (PGBIN, PGHOST, PGPORT; superuser postgres) and database esp made by
# principals_setup.sql. Assertions from test/principals/assert, aud=esp.
: "${PGBIN:=/tmp/pg-atk5/usr/lib/postgresql/15/bin}" "${PGHOST:=/tmp/atk5}" "${PGPORT:=5831}"
export PGHOST PGPORT ASSERT_AUD=esp
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
A="$ROOT/test/principals/assert"
sq() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=0 -U "${U:-postgres}" -d esp "$@"; }
