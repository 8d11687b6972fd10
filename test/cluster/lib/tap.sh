# TAP lines for the cluster tests: check GOT EXPECTED NAME, check_true
# CONDITION NAME (a shell condition, shown when it fails).
n=0
check() { n=$((n + 1)); if [ "$1" = "$2" ]; then echo "ok $n - $3"; else echo "not ok $n - $3 (got '$1', expected '$2')"; fi; }
check_true() { n=$((n + 1)); if eval "$1"; then echo "ok $n - $2"; else echo "not ok $n - $2 ($1)"; fi; }
