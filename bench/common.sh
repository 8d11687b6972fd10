# Helpers for the benchmarks. Each benchmark runs inside one throwaway
# server (pg_virtualenv) so that listguard and plain PostgreSQL are measured
# side by side, in the same run, on the same machine.

ROWS="${ROWS:-1000000}"
REPEAT="${REPEAT:-3}"

psqlq() { psql -X -q -v ON_ERROR_STOP=1 "$@"; }

# The SQL that makes bench_src: ROWS generated addresses (id, account_id
# 1-3, list_id two per account: 10/11, 20/21, 30/31, email as text).
bench_source_sql() {
    cat <<SQL
CREATE TABLE bench_src AS
SELECT g AS id, 1 + g % 3 AS account_id, 10 * (1 + g % 3) + g % 2 AS list_id,
       (ARRAY['jane', 'john', 'maria', 'li', 'ahmed', 'sofia'])[g % 6 + 1] || '.' ||
       substr(md5(g::text), 1, 4 + g % 9) || g || '@' ||
       (ARRAY['gmail.com', 'yahoo.co.uk', 'example.org', 'mail.example.net'])[g % 4 + 1] AS email
FROM generate_series(1, $ROWS) g;
CREATE UNIQUE INDEX ON bench_src (id);
SQL
}

now_ns() { date +%s%N; }

# best_of SECONDS_VAR command...: runs the command REPEAT times and stores
# the best wall time, in seconds, in the named variable.
best_of() {
    local var=$1; shift
    local best=""
    for _ in $(seq "$REPEAT"); do
        local t0 t1
        t0=$(now_ns)
        "$@" >/dev/null
        t1=$(now_ns)
        local s
        s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
        if [ -z "$best" ] || awk -v s="$s" -v b="$best" 'BEGIN { exit !(s < b) }'; then best=$s; fi
    done
    printf -v "$var" '%s' "$best"
}

# best_of_pair VAR_A FN_A VAR_B FN_B: like best_of for two commands, run
# alternately (A, B, A, B, ...), so that neither gets a quieter moment.
best_of_pair() {
    local best_a="" best_b="" t0 t1 s
    for _ in $(seq "$REPEAT"); do
        for side in a b; do
            local fn=$2
            [ "$side" = b ] && fn=$4
            t0=$(now_ns); "$fn" >/dev/null; t1=$(now_ns)
            s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
            if [ "$side" = a ]; then
                if [ -z "$best_a" ] || awk -v s="$s" -v b="$best_a" 'BEGIN { exit !(s < b) }'; then best_a=$s; fi
            else
                if [ -z "$best_b" ] || awk -v s="$s" -v b="$best_b" 'BEGIN { exit !(s < b) }'; then best_b=$s; fi
            fi
        done
    done
    printf -v "$1" '%s' "$best_a"
    printf -v "$3" '%s' "$best_b"
}

# pgbench_tps SCRIPT_FILE [SECONDS]: TPS of one run with two clients.
pgbench_tps() {
    pgbench -n -M prepared -c 2 -j 2 -T "${2:-${PGBENCH_SECONDS:-5}}" -f "$1" 2>/dev/null |
        awk '/^tps = / { printf "%.0f", $3 }'
}

# pgbench_compare VAR_A SCRIPT_A VAR_B SCRIPT_B: warms both up, then runs
# them alternately REPEAT times and keeps the best TPS of each, so that
# neither side gets a colder cache or a noisier moment.
pgbench_compare() {
    local best_a=0 best_b=0 t
    pgbench_tps "$2" 3 >/dev/null
    pgbench_tps "$4" 3 >/dev/null
    for _ in $(seq "$REPEAT"); do
        t=$(pgbench_tps "$2"); [ "$t" -gt "$best_a" ] && best_a=$t
        t=$(pgbench_tps "$4"); [ "$t" -gt "$best_b" ] && best_b=$t
    done
    printf -v "$1" '%s' "$best_a"
    printf -v "$3" '%s' "$best_b"
}

header() {
    printf '\n%-46s %12s %12s %8s  %s\n' "$1" "baseline" "listguard" "ratio" "target"
}

# row NAME BASELINE LISTGUARD UNIT TARGET: prints listguard/baseline.
row() {
    local ratio
    ratio=$(awk -v a="$2" -v b="$3" 'BEGIN { printf "%.2f", b / a }')
    printf '%-46s %10s%-2s %10s%-2s %7sx  %s\n' "$1" "$2" "$4" "$3" "$4" "$ratio" "$5"
}
