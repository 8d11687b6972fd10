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
# Whether a trace_leak() line (role found=N revealed=N addr=A odds=O
# likely=L; ...) names $2 (default a9_alice), or, in a list a sender reads,
# lists it with its found canaries read and the best odds while naming
# nobody ("the reader or the sender": missing canaries clear no one since
# the attack9 fixes, 101).
names_or_ties() {
    local line="$1" who="${2:-a9_alice}" f r o max
    echo "$line" | grep -q "$who found=[1-9][^;]*likely=t" && return 0
    echo "$line" | grep -q "likely=t" && return 1
    read -r f r o <<<"$(echo "$line" | sed -n "s/.*$who found=\([0-9]*\) revealed=\([0-9]*\) addr=[^ ]* odds=\([-0-9.]*\).*/\1 \2 \3/p")"
    [ -n "$f" ] && [ "$f" -gt 0 ] && [ "$r" -ge "$f" ] || return 1
    max=$(echo "$line" | grep -o "odds=[-0-9.]*" | cut -d= -f2 | sort -g | tail -1)
    [ "$max" = "$o" ]
}
