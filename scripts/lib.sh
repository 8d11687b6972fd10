# Shared by scripts/test, scripts/demo and bench/: dependencies and build.
# Works as root or as a user with sudo, on Debian 12 (PostgreSQL 15).

PGVER="${PGVER:-15}"
export PATH="/usr/lib/postgresql/$PGVER/bin:$PATH"

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi

DEPS="postgresql-$PGVER postgresql-server-dev-$PGVER postgresql-$PGVER-pgtap postgresql-$PGVER-pgaudit \
libtap-parser-sourcehandler-pgtap-perl postgresql-common libssl-dev libicu-dev libpq-dev \
g++ make cmake libgtest-dev python3 python3-psycopg python3-psycopg2 libpostgresql-jdbc-java openjdk-17-jdk-headless \
prometheus-postgres-exporter curl"
# The Python client package's tests (clients/python) and the pooler test
# (test/cluster/pgbouncer.t).
DEPS="$DEPS python3-django python3-sqlalchemy pgbouncer postgresql-$PGVER-partman"
# The principals' example app and its cluster test (examples/principals,
# test/cluster/principals.t) and test/principals/assert.
DEPS="$DEPS python3-jwt python3-cryptography"

log() { printf '\n==> %s\n' "$*"; }

# pg_virtualenv -t numbers its cluster 5432 whatever already listens there (a
# running main cluster, another run): its servers get a port nothing holds.
use_free_port() {
    PGPORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    export PGPORT
}

install_deps() {
    local missing=""
    for pkg in $DEPS $*; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing="$missing $pkg"
    done
    if [ -n "$missing" ]; then
        log "installing:$missing"
        $SUDO apt-get update -q
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
    fi
}

build_and_install() {
    log "building listguard"
    make -j"$(nproc)" WERROR=${WERROR:-} PG_CONFIG="/usr/lib/postgresql/$PGVER/bin/pg_config"
    log "installing listguard"
    $SUDO make install PG_CONFIG="/usr/lib/postgresql/$PGVER/bin/pg_config"
}

# Lines of a file matching an extended regular expression; 0 if it is missing.
count_lines() {
    local n
    n=$(grep -cE "$1" "$2" 2>/dev/null)
    echo "${n:-0}"
}

# Adds what scripts/server-tests left in <tree>/build (regress.log: pg_regress
# and the isolation specs; pgtap.log; leaks.log: the address check) to the
# caller's $passed and $failed. A suite that did not run counts as a failure.
count_server_tests() {
    local build=$1/build ok bad
    ok=$(count_lines '\.\.\. ok' "$build/regress.log")
    bad=$(count_lines '\.\.\. FAILED' "$build/regress.log")
    passed=$((passed + ok))
    failed=$((failed + bad))
    if [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ]; then
        echo "pg_regress did not run"
        failed=$((failed + 1))
    fi
    ok=$(count_lines '^ok [0-9]+' "$build/pgtap.log")
    bad=$(count_lines '^not ok [0-9]+' "$build/pgtap.log")
    passed=$((passed + ok))
    failed=$((failed + bad))
    if ! grep -q 'pg_prove exit: 0' "$build/pgtap.log" 2>/dev/null && [ "$bad" -eq 0 ]; then
        echo "pg_prove failed without a failing assertion (plan or setup problem)"
        failed=$((failed + 1))
    fi
    ok=$(count_lines '^ok [0-9]+' "$build/leaks.log")
    bad=$(count_lines '^not ok [0-9]+' "$build/leaks.log")
    passed=$((passed + ok))
    failed=$((failed + bad))
    if [ "$ok" -eq 0 ] && [ "$bad" -eq 0 ]; then
        echo "the address check did not run"
        failed=$((failed + 1))
    fi
}
