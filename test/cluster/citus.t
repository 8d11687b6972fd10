#!/usr/bin/env bash
# A Citus cluster on loopback: a coordinator and two workers (a third joins
# later), shared_preload_libraries = 'citus,listguard' and one keyring on
# all. Protected distributed and reference tables used through the
# coordinator as on one server: INSERT, protect(), a clear-granted role
# reading its rows, COPY in and out, router and multi-shard queries,
# INSERT ... SELECT with repartitioning, grants and revocations, requests and
# approvals, canaries, explain_access(). Values travel between the nodes as
# transit tokens, on Citus's internal connections only: a client that poses
# as one (application_name, a forged proof) sees what its role sees. A
# worker's table owner cannot take protection off a shard. One budget: quota
# 100 read on both workers and the coordinator at once gives at most 100
# clear values; with the coordinator down, clear reads on a worker fail
# closed. One trail: the workers' events are in the coordinator's chain with
# their origin, verify_audit() is ok. A node added later, with shards moved
# to it, has the catalog and protected shards.
set -u
cd "$(dirname "$0")"
. lib/servers.sh
. lib/tap.sh
. lib/citus.sh
trap "${KEEP_SERVERS:+:} citus_cleanup" EXIT

if ! citus_available; then
    echo "1..0 # SKIP Citus is not installed in $("$PGBIN/pg_config" --pkglibdir) (scripts/test installs it with ../shared/citus/build.sh)"
    exit 0
fi
echo "1..80"

# count_reaches_at NAME MIN SQL: as count_reaches, on a node.
count_reaches_at() {
    local got=0
    for _ in $(seq 300); do
        got=$(at "$1" -c "$3" 2>/dev/null)
        [ "${got:-0}" -ge "$2" ] && break
        sleep 0.1
    done
    echo "${got:-0}"
}

citus_cluster_init 2 "citus.shard_count = 8"
export PGDATABASE=esp
at coordinator -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE ROLE app LOGIN;       -- the application: clear, writes, every account
CREATE ROLE reader LOGIN;    -- clear on account 1
CREATE ROLE viewer LOGIN;    -- masked on account 1
CREATE ROLE exporter LOGIN;  -- clear on account 1, 100 a day
CREATE ROLE carol LOGIN;     -- asks for access
CREATE ROLE lead LOGIN;      -- approves
GRANT listguard_approver TO lead;
CREATE ROLE owner1 LOGIN;    -- owned the table before protect()
GRANT USAGE ON SCHEMA listguard TO app, reader, viewer, exporter, carol, owner1;
-- Distributed by list, so that one account's rows are on both workers.
CREATE TABLE subs (id bigserial, account_id bigint NOT NULL, list_id bigint NOT NULL, email listguard.email,
                   PRIMARY KEY (list_id, id));
ALTER TABLE subs OWNER TO owner1;
SELECT create_distributed_table('subs', 'list_id');
CREATE TABLE suppressions (account_id bigint NOT NULL, list_id bigint, email listguard.email);
SELECT create_reference_table('suppressions');
GRANT SELECT, INSERT ON subs, suppressions TO app, reader, viewer, exporter, carol;
GRANT USAGE ON SEQUENCE subs_id_seq TO app, reader;
SQL

# 1-3: the issue's three failures.
err=$(at coordinator -U owner1 -c "INSERT INTO subs (account_id, list_id, email)
        SELECT 1 + g % 2, 10 + g % 8, 'member' || g || '@example.com' FROM generate_series(1, 400) g" 2>&1)
check "$err$(at coordinator -c "SELECT count(*) FROM subs")" 400 \
    "INSERT of addresses through the coordinator into a distributed table"
err=$(at coordinator -c "SELECT listguard.protect('subs', 'account_id', 'list_id')" 2>&1)
check "$err" "" "listguard.protect() of a distributed table"
at coordinator -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
SELECT listguard.grant_access('app', NULL, reveal => 'clear', can_write => true);
SELECT listguard.grant_access('reader', 1, reveal => 'clear');
SELECT listguard.grant_access('viewer', 1);
SELECT listguard.grant_access('exporter', 1, reveal => 'clear', quota => '100/day', on_exceed => 'mask');
SQL
check "$(at coordinator -U reader -c "SELECT count(*), count(*) FILTER (WHERE email::text LIKE 'member%@example.com') FROM subs")" \
    "200|200" "a role with a clear grant on account 1 reads its 200 rows in clear, and no other"
# The newest grant's role is labelled on the workers at once (a CREATEROLE
# role on a worker could otherwise GRANT it to itself before the next change).
labelled="SELECT count(*) FROM pg_shseclabel WHERE provider = 'listguard' AND objoid IN ('app'::regrole, 'reader'::regrole, 'viewer'::regrole, 'exporter'::regrole)"
check "$(at worker1 -c "$labelled")|$(at worker2 -c "$labelled")" "4|4" \
    "every grantee carries listguard's label on both workers as soon as its grant commits, the newest one too"

# 4-6: what each role sees, through the coordinator and on a worker (Citus
# lets clients query any node); the values in the shards are stamped.
check "$(at coordinator -U viewer -c "SELECT count(*) FILTER (WHERE email::text ~ '^m\*\*\*@example.com$') FROM subs")" 200 \
    "a masked role reads masks"
check "$(at worker1 -U reader -c "SELECT count(*) FILTER (WHERE email::text LIKE 'member%') FROM subs")" 200 \
    "the same through a worker"
unstamped=0
for w in worker1 worker2; do
    cnt=$(at "$w" -c "SET citus.override_table_visibility = off" -c "SELECT sum(n) FROM (SELECT (xpath('/row/c/text()',
          query_to_xml(format('SELECT count(*) AS c FROM %s WHERE listguard._citus_unstamped(email)', c.oid::regclass),
          false, true, '')))[1]::text::int AS n FROM pg_class c WHERE c.relname ~ '^subs_[0-9]+$') s")
    unstamped=$((unstamped + ${cnt:-0}))
done
check "$unstamped" 0 "protect() stamped the rows in the shards on both workers"

# 7-10: COPY into and out of the distributed table, router and multi-shard
# queries, a reference table.
printf '3\t30\tcopy1@example.com\n3\t31\tcopy2@example.com\n' |
    at coordinator -U app -c "COPY subs (account_id, list_id, email) FROM STDIN" 2>&1
check "$(at coordinator -U app -c "SELECT string_agg(email::text, ',' ORDER BY email::text) FROM subs WHERE account_id = 3")" \
    "copy1@example.com,copy2@example.com" "COPY FROM into the distributed table, read back in clear"
check "$(at coordinator -U app -c "COPY subs TO STDOUT" | grep -c '@example.com$')" 402 \
    "COPY TO of the distributed table (the workers show each value as the role may see it)"
check "$(at coordinator -U viewer -c "COPY subs TO STDOUT" | grep -c 'm\*\*\*@example.com$')" 200 \
    "COPY TO as the masked role: masks"
check "$(at coordinator -U reader -c "SELECT email FROM subs WHERE list_id = 11 AND id = (SELECT min(id) FROM subs WHERE list_id = 11 AND account_id = 1)")" \
    "$(at coordinator -U app -c "SELECT email FROM subs WHERE list_id = 11 AND account_id = 1 ORDER BY id LIMIT 1")" \
    "router query by distribution column and id"
at coordinator -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
INSERT INTO suppressions VALUES (1, 10, 'bounced1@example.com'), (2, 20, 'bounced2@example.com');
SELECT listguard.protect('suppressions', 'account_id', 'list_id');
SQL
at coordinator -U app -c "INSERT INTO suppressions VALUES (1, 11, 'bounced3@example.com')" >/dev/null
check "$(at worker2 -U reader -c "SELECT string_agg(email::text, ',' ORDER BY email::text) FROM suppressions")" \
    "bounced1@example.com,bounced3@example.com" "a protected reference table, read on a worker: its role's rows, in clear"

# 11: INSERT ... SELECT between tables distributed differently: Citus
# repartitions on the workers, values travel worker to worker.
at coordinator -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE TABLE by_account (id bigint, account_id bigint NOT NULL, list_id bigint, email listguard.email);
SELECT create_distributed_table('by_account', 'account_id');
SELECT listguard.protect('by_account', 'account_id', 'list_id');
GRANT SELECT, INSERT ON by_account TO app, reader, viewer;
SQL
method=$(at coordinator -U app -c "EXPLAIN (COSTS OFF) INSERT INTO by_account SELECT id, account_id, list_id, email FROM subs" | grep -o 'repartition')
at coordinator -U app -c "INSERT INTO by_account SELECT id, account_id, list_id, email FROM subs" >/dev/null
check "$method|$(at coordinator -U reader -c "SELECT count(*) FILTER (WHERE email::text LIKE 'member%'), count(*) FROM by_account")" \
    "repartition|200|200" "INSERT ... SELECT with repartitioning keeps addresses and stamps"

# 12-15: grants, revocation, requests and approvals, explain_access().
check "$(at coordinator -c "SELECT count(*) FROM listguard.explain_access('reader')")" 1 "explain_access() on the coordinator"
at coordinator -U carol -c "SELECT listguard.request_access(2, NULL, reveal => 'clear', duration => '1 hour', reason => 'ticket 42')" >/dev/null
before=$(at worker2 -U carol -c "SELECT count(*) FROM subs")
at coordinator -U lead -c "SELECT listguard.approve(r.request_id, 'checked') FROM listguard.access_requests r WHERE r.requester = 'carol'::regrole" >/dev/null
check "$before|$(at worker2 -U carol -c "SELECT count(*) FROM subs")" "0|200" \
    "an approved request: its grant reaches every node in the approval's transaction"
# A copy of the catalog taken before the revocation (as a worker's link
# might hold one) cannot bring the grant back.
stale=$(at coordinator -c "SELECT listguard._citus_catalog(NULL)")
at coordinator -c "SELECT listguard.revoke_access(g.id) FROM listguard.grants g WHERE g.grantee = 'carol'::regrole" >/dev/null
at worker1 -c "SELECT listguard._citus_apply_catalog(\$stale\$$stale\$stale\$)" >/dev/null
check "$(at coordinator -U carol -c "SELECT count(*) FROM subs")|$(at worker1 -U carol -c "SELECT count(*) FROM subs")" "0|0" \
    "a revocation takes effect on every node at once"
check "$(at worker1 -c "SELECT count(*) FROM listguard.grants WHERE grantee = 'carol'::regrole")" 0 \
    "an older copy of the catalog does not undo it on a worker"
err=$(at worker1 -U owner1 -c "SELECT listguard._citus_apply_catalog(\$stale\$$stale\$stale\$)" 2>&1)
err2=$(at worker1 -U owner1 -c "SELECT listguard._citus_catalog(NULL)" 2>&1)
check "$(printf '%s\n%s\n' "$err" "$err2" | grep -c 'permission denied')" 2 \
    "a role on a worker can neither replay a catalog nor take the coordinator's"
check "$(at worker1 -c "SELECT count(*) FROM listguard.grants")|$(at worker2 -c "SELECT count(*) FROM listguard.protected_tables")" \
    "$(at coordinator -c "SELECT count(*) FROM listguard.grants")|3" "the workers hold the coordinator's catalog"
# A worker whose catalog is lost (restored from an old backup, say) takes
# the coordinator's through its link within seconds.
at worker1 -c "UPDATE listguard.catalog_generation SET generation = 0" -c "DELETE FROM listguard.grants" >/dev/null 2>&1
want=$(at coordinator -c "SELECT count(*) FROM listguard.grants")
check "$(count_reaches_at worker1 "$want" "SELECT count(*) FROM listguard.grants")" "$want" \
    "a worker that lost the catalog takes it back through its link"

# 16-17: canaries in a distributed table.
at coordinator -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
SELECT listguard.add_canary_addresses(ARRAY['maria.lopez77@gmail.com', 'kevin.hall31@yahoo.com']);
SELECT listguard.plant_canaries('subs', 1, 12, ARRAY['reader']::regrole[], 1);
SQL
check "$(at coordinator -U reader -c "SELECT count(*) FROM subs WHERE NOT email::text LIKE 'member%' AND account_id = 1")|$(at coordinator -U viewer -c "SELECT count(*) FROM subs")" \
    "1|200" "a canary planted for reader: reader sees it, the masked role does not see the row"
check "$(at coordinator -c "SELECT role FROM listguard.trace_leak(ARRAY(SELECT unnest(ARRAY['maria.lopez77@gmail.com', 'kevin.hall31@yahoo.com'])))")" \
    reader "trace_leak() names the role"

# 18-23: a client posing as a Citus internal connection sees what its role
# sees: no transit token, no clear value.
# The shard that holds list 10 (account 1's), and the worker it is on.
shard=$(at coordinator -c "SELECT shard_name('subs', get_shard_id_for_distribution_column('subs', 10))")
shard_port=$(at coordinator -c "SELECT n.nodeport FROM pg_dist_placement p JOIN pg_dist_node n USING (groupid)
                               WHERE p.shardid = get_shard_id_for_distribution_column('subs', 10)")
if [ "$shard_port" = "$(node_port worker1)" ]; then shard_node=worker1; else shard_node=worker2; fi
plain=$(at $shard_node -U viewer -c "SELECT email FROM $shard ORDER BY id")
posing=$(PGAPPNAME="citus_internal gpid=10000012345" at $shard_node -U viewer -c "SELECT email FROM $shard ORDER BY id")
check_true "[ -n \"\$plain\" ] && [ \"\$plain\" = \"\$posing\" ]" \
    "application_name 'citus_internal gpid=...' on a worker: the same masks as any client"
forged=$(PGAPPNAME="citus_internal gpid=10000012345" PGOPTIONS="-c listguard.citus_proof=lgp1:AAAAAAJUC-UAAAAAaXdrC3FwBmHhDfNvb4I7jjgw1Yg" \
         at $shard_node -U viewer -c "SELECT email FROM $shard ORDER BY id")
check_true "[ \"\$forged\" = \"\$plain\" ]" "with a forged listguard.citus_proof too: the same masks"
check "$(printf '%s\n%s\n' "$posing" "$forged" | grep -c 'lgt1:')" 0 "no transit token reaches a posing client"
err=$(at $shard_node -U viewer -c "SHOW listguard.citus_proof" 2>&1)
check "$(printf '%s' "$err" | grep -c 'must be superuser\|permission denied')" 1 "a role cannot read a session's proof"
err=$(at coordinator -U viewer -c "SELECT 'lgt1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'::listguard.email" 2>&1)
check "$(printf '%s' "$err" | grep -o 'transit token is not valid')" "transit token is not valid" \
    "a made-up transit token is refused (22P02)"
check "$(at coordinator -U viewer -c "SELECT result FROM run_command_on_workers(\$\$SELECT email FROM $shard WHERE account_id = 1 ORDER BY id LIMIT 1\$\$) WHERE success" | grep -c 'm\*\*\*@')" 1 \
    "run_command_on_workers() as the masked role: masks"

# 24-29: a worker's table owner (owner1 owned subs before protect()) on a
# worker, against a shard and the shell table.
refused=0
for sql in "ALTER TABLE $shard DISABLE ROW LEVEL SECURITY" "ALTER TABLE $shard NO FORCE ROW LEVEL SECURITY" \
    "DROP POLICY listguard_read ON $shard" "CREATE POLICY open ON $shard USING (true)" \
    "CREATE TRIGGER t BEFORE INSERT ON $shard FOR EACH ROW EXECUTE FUNCTION listguard.stamp_trigger()" \
    "ALTER TABLE subs DISABLE ROW LEVEL SECURITY" "ALTER TABLE $shard OWNER TO owner1"; do
    err=$(at $shard_node -U owner1 -c "$sql" 2>&1)
    case $err in *"permission denied"*|*"must be owner"*) refused=$((refused + 1)) ;; *) echo "# not refused: $sql: $err" ;; esac
done
check "$refused" 7 "the former owner cannot change RLS, policies, triggers or owner of a shard or the shell on a worker"
err=$(at $shard_node -U owner1 -c "SELECT count(*) FROM $shard" 2>&1)
check "$err" 0 "nor read the shard's rows: it has no grant"
check "$(at $shard_node -c "SET citus.override_table_visibility = off" -c "SELECT count(*) FROM pg_policy WHERE polrelid = '$shard'::regclass AND polname <> 'listguard_base' AND polpermissive")" 0 \
    "listguard's policies on the shard are restrictive (Citus's deparser leaves AS RESTRICTIVE out)"
err=$(at worker1 -U viewer -c "INSERT INTO subs (account_id, list_id, email) VALUES (1, 10, 'x@example.com')" 2>&1)
check "$(printf '%s' "$err" | grep -c 'row-level security\|permission denied')" 1 "a masked role cannot write through a worker"
# Laundering: a role with clear access to account 1 and masked access to
# account 2 copies an account-2 value into account 1 (it would read it in
# clear there): refused on the worker that holds the target shard.
at coordinator -c "SELECT listguard.grant_access('reader', 1, reveal => 'clear', can_write => true)" >/dev/null
at coordinator -c "SELECT listguard.grant_access('reader', 2, reveal => 'masked')" >/dev/null
err=$(at coordinator -U reader -c "INSERT INTO subs (account_id, list_id, email) SELECT 1, 10, email FROM subs WHERE account_id = 2 LIMIT 1" 2>&1)
echo "# $(printf '%s' "$err" | head -1)"
check "$(printf '%s' "$err" | grep -c 'ERROR')|$(at coordinator -U reader -c "SELECT count(*) FROM subs WHERE account_id = 1")" "1|201" \
    "a value of account 2 cannot be copied into account 1 by a role masked there (through the coordinator)"
sleep 1
check_true "[ \$(count_reaches_at coordinator 1 \"SELECT count(*) FROM listguard.audit_log WHERE origin = '$shard_node' AND kind = 'denied'\") -ge 1 ]" \
    "the refusals on the worker are in the coordinator's audit log, with its name as origin"

# One budget. exporter (quota 100; past it, masks) reads at once: COPY out
# through the coordinator (the workers show the values, on leases from the
# coordinator's counter), a cast run on the workers, router queries through
# the coordinator (shown there) and on a worker (shown there, leased).
copy_out() { at coordinator -U exporter -c "COPY subs TO STDOUT" 2>>"$SERVERS_DIR/q.err" | grep -c 'member[0-9]*@example.com$'; }
cast_out() { at coordinator -U exporter -c "SELECT email::text FROM subs WHERE list_id IN (12, 14)" 2>>"$SERVERS_DIR/q.err" | grep -c '^member'; }
router() {
    for i in $(seq 1 60); do
        id=$((i * 2 + 100 * $2))
        echo "SELECT email FROM subs WHERE list_id = $((10 + id % 8)) AND id = $id;"
    done | at "$1" -U exporter 2>>"$SERVERS_DIR/q.err" | grep -c '^member'
}
copy_out >"$SERVERS_DIR/q.copy" &
cast_out >"$SERVERS_DIR/q.cast" &
router coordinator 0 >"$SERVERS_DIR/q.router" &
router worker2 1 >"$SERVERS_DIR/q.router2" &
wait
c=$(cat "$SERVERS_DIR/q.copy"); k=$(cat "$SERVERS_DIR/q.cast"); r=$(cat "$SERVERS_DIR/q.router"); r2=$(cat "$SERVERS_DIR/q.router2")
total=$((c + k + r + r2))
echo "# clear values: COPY $c, cast on workers $k, router via coordinator $r, router on worker2 $r2; total $total"
echo "# $(grep -h 'ERROR\|WARNING' "$SERVERS_DIR/q.err" | sort | uniq -c | head -3)"
check_true "[ $total -le 100 ]" "quota 100 over a multi-shard read on both workers and concurrent router queries: at most 100 clear values ($total)"
used=$(at coordinator -c "SELECT used FROM listguard.quota_usage WHERE role = 'exporter'::regrole")
check_true "[ ${used:-0} -le 100 ] && [ $total -ge 80 ]" \
    "the coordinator counted at most 100 ($used) and little lay unused in leases: the readers saw $total"
check "$(grep -c 'showing masked addresses' "$SERVERS_DIR/q.err" | awk '{print ($1 > 0)}')" 1 "the readers past the quota got masks, with a warning"
sleep 1
recorded=$(count_reaches_at coordinator "$total" "SELECT coalesce(sum((counts->>'clear')::int), 0) FROM listguard.audit_log WHERE kind = 'clear_reveal' AND detail->>'role' = 'exporter'")
check_true "[ ${recorded:-0} -ge $total ]" "every clear value the client saw is in the coordinator's audit log ($recorded recorded, $total seen)"
check "$(at coordinator -c "SELECT count(DISTINCT origin) FROM listguard.audit_log WHERE kind = 'clear_reveal' AND origin IN ('worker1', 'worker2')")" 2 \
    "clear reveals on both workers reached the coordinator's chain with their origin"

# 35-36: the trail.
check "$(at coordinator -c "SELECT ok FROM listguard.verify_audit()")" t "verify_audit() is ok on the coordinator"
check "$(at worker1 -c "SELECT count(*) FROM listguard.audit_log")" 0 "a worker keeps no trail of its own: its events are the coordinator's"

# Citus creates and moves shards as their table's owner: listguard_owner
# must be able to log in, for Citus's internal connections only.
check "$(at coordinator -c "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'listguard_owner'")" t \
    "protect() of a Citus table let listguard_owner log in"
err=$(at worker1 -U listguard_owner -c "SELECT 1" 2>&1)
err2=$(PGAPPNAME="citus_internal gpid=10000012345" at coordinator -U listguard_owner -c "SELECT 1" 2>&1)
check "$(printf '%s\n%s\n' "$err" "$err2" | grep -c 'may log in only as a Citus internal connection')" 2 \
    "listguard_owner cannot log in as a client, posing as Citus or not"

# The proof leaks with every connection a backend opens, also those a role
# points at a server of its own (master_run_on_worker(), EXECUTE to PUBLIC):
# as that role, a fake TLS server catches the startup packet, and the proof
# it holds is replayed. It is bound to the role it was made for: it logs in
# no other role, and listguard_owner only from a superuser's or an admin's
# backend, whose DDL through it is recorded.
fake_port=$((SERVERS_BASE_PORT + 7))
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$SERVERS_DIR/k.pem" -out "$SERVERS_DIR/c.pem" -days 2 \
    -subj /CN=fake 2>/dev/null
# capture ROLE -> "PROOFS GPID", caught from the connection ROLE's backend opens.
capture() {
    python3 ../attacks/lib/fake_pg_server.py "$fake_port" 10 "$SERVERS_DIR" >"$SERVERS_DIR/caught" 2>/dev/null &
    local pid=$!
    for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$fake_port") 2>/dev/null && break; sleep 0.1; done
    at coordinator -U "$1" -c "SELECT * FROM master_run_on_worker(ARRAY['127.0.0.1'], ARRAY[$fake_port], ARRAY['SELECT 1'], false)" \
        >/dev/null 2>&1
    wait "$pid"
    echo "$(grep -o 'listguard.citus_proof=[^ ]*' "$SERVERS_DIR/caught" | cut -d= -f2) $(grep -o 'gpid=[0-9]*' "$SERVERS_DIR/caught" | cut -d= -f2)"
}
read -r vproof vgpid < <(capture viewer)
check "$(printf '%s' "$vproof" | grep -c '^lgp2:[A-Za-z0-9_-]*$')" 1 \
    "a role's backend offers one proof, for its own role (none for listguard_owner)"
replay() { PGAPPNAME="citus_internal gpid=$2" PGOPTIONS="-c listguard.citus_proof=$1" at "${@:3}"; }
err=$(replay "$vproof" "$vgpid" $shard_node -U listguard_owner -c "SELECT 1" 2>&1)
check "$(printf '%s' "$err" | grep -c 'may log in only as a Citus internal connection')" 1 \
    "a captured proof does not log listguard_owner in"
as_reader=$(replay "$vproof" "$vgpid" $shard_node -U reader -c "SELECT email FROM $shard ORDER BY id" 2>&1)
check_true "[ -n \"\$as_reader\" ] && [ \"\$as_reader\" = \"\$(at $shard_node -U reader -c 'SELECT email FROM $shard ORDER BY id')\" ]" \
    "replayed as another role, the proof proves nothing: that role's own view, no transit token"
# On another node, as its own role, a captured proof gives transit tokens,
# which open as what the role may see anyway (it is not bound to a node).
other_node=worker1; [ "$shard_node" = worker1 ] && other_node=worker2
other_shard=$(at coordinator -c "SELECT shard_name('subs', s.shardid) FROM pg_dist_shard s JOIN pg_dist_placement p USING (shardid)
        JOIN pg_dist_node n USING (groupid) WHERE s.logicalrelid = 'subs'::regclass AND n.nodeport = $(node_port $other_node)
        AND s.shardid IN (SELECT get_shard_id_for_distribution_column('subs', l) FROM unnest(ARRAY[10, 12, 14, 16]) l) LIMIT 1")
toks=$(replay "$vproof" "$vgpid" $other_node -U viewer -c "SELECT email FROM $other_shard ORDER BY id LIMIT 3")
opened=$(for t in $toks; do at coordinator -U viewer -c "SELECT '$t'::listguard.email"; done)
check_true "[ \"\$(printf '%s\n' \"\$toks\" | grep -c '^lgt1:')\" = 3 ] && [ \"\$opened\" = \"\$(at $other_node -U viewer -c 'SELECT email FROM $other_shard ORDER BY id LIMIT 3')\" ]" \
    "replayed on another node as its own role: transit tokens that open as the role's own masks"
# Proofs are for the session's own role only, also while listguard's
# elevated code (request_access(), open to PUBLIC, plans its SPI as the
# extension's owner) or a SECURITY DEFINER function of an admin runs in the
# port argument, and a superuser's backend offers none for listguard_owner
# outside Citus's own shard operations (attack8, findings 51 and 52).
at coordinator -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE FUNCTION public.su_helper() RETURNS int LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog
    AS $$ SELECT count(*)::int * 0 FROM pg_catalog.pg_class WHERE false $$;
GRANT EXECUTE ON FUNCTION public.su_helper() TO PUBLIC;
SQL
# capture_in ROLE PORT-EXPRESSION: as capture, with the port computed by it.
capture_in() {
    python3 ../attacks/lib/fake_pg_server.py "$fake_port" 10 "$SERVERS_DIR" >"$SERVERS_DIR/caught" 2>/dev/null &
    local pid=$!
    for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$fake_port") 2>/dev/null && break; sleep 0.1; done
    at coordinator -U "$1" -c "SELECT * FROM master_run_on_worker(ARRAY['127.0.0.1'], ARRAY[$fake_port + ($2)], ARRAY['SELECT 1'], false)" \
        >/dev/null 2>&1
    wait "$pid"
    echo "$(grep -o 'listguard.citus_proof=[^ ]*' "$SERVERS_DIR/caught" | cut -d= -f2) $(grep -o 'gpid=[0-9]*' "$SERVERS_DIR/caught" | cut -d= -f2)"
}
owner_login() { replay "$1" "$2" "$3" -U listguard_owner -c "SELECT current_user" 2>&1; }
shard_mode() { # proof gpid role: "token" if a session of role with it is taken for Citus's own
    replay "$1" "$2" $shard_node -U "$3" -c "SELECT email FROM $shard ORDER BY id LIMIT 1" 2>&1 | grep -q '^lgt1:' && echo token || echo plain
}
read -r rproof rgpid < <(capture_in carol "(listguard.request_access(1, 10, reason => 'attack8') * 0)::int")
at coordinator -c "DELETE FROM listguard.access_requests WHERE reason = 'attack8'" >/dev/null 2>&1
check "$(printf '%s' "$rproof" | tr ',' '\n' | grep -c '^lgp2:')|$(owner_login "$rproof" "$rgpid" $shard_node | grep -c 'may log in only as a Citus internal connection')|$(owner_login "$rproof" "$rgpid" coordinator | grep -c 'may log in only as a Citus internal connection')|$(shard_mode "$rproof" "$rgpid" postgres)" \
    "1|1|1|plain" "elevated SPI in the port argument (request_access()): one proof, the caller's own; no listguard_owner, no superuser"
read -r hproof hgpid < <(capture_in carol "public.su_helper()")
check "$(printf '%s' "$hproof" | tr ',' '\n' | grep -c '^lgp2:')|$(owner_login "$hproof" "$hgpid" $shard_node | grep -c 'may log in only as a Citus internal connection')|$(shard_mode "$hproof" "$hgpid" postgres)" \
    "1|1|plain" "a superuser's SECURITY DEFINER function in the port argument: the caller's proof only"
read -r sproof sgpid < <(capture postgres)
check "$(printf '%s' "$sproof" | tr ',' '\n' | grep -c '^lgp2:')|$(owner_login "$sproof" "$sgpid" $shard_node | grep -c 'may log in only as a Citus internal connection')|$(shard_mode "$sproof" "$sgpid" postgres)" \
    "1|1|token" "a superuser's backend offers a proof for its own role only (none for listguard_owner outside shard operations)"
at coordinator -c "DROP FUNCTION public.su_helper()" >/dev/null
before=$(at coordinator -c "SELECT coalesce(max(id), 0) FROM listguard.audit_log")
trigger="listguard_audit_${shard##*_}"
err=$(replay "$sproof" "$sgpid" $shard_node -U postgres -c "ALTER TABLE $shard DISABLE TRIGGER $trigger" 2>&1)
at $shard_node -c "ALTER TABLE $shard ENABLE TRIGGER $trigger" >/dev/null
check "$err$(count_reaches_at coordinator 1 "SELECT count(*) FROM listguard.audit_log WHERE id > $before AND kind = 'protection_changed'
        AND origin = '$shard_node' AND (detail->>'citus_internal')::boolean")" 1 \
    "DDL on a shard through a proven internal connection is recorded, as such"

# Should a listguard_owner proof leak anyway (made here from the keyring,
# as its holder could): listguard_owner logs in, but may not take
# protection off a shard or the distributed table: Citus sends no such DDL
# as it.
owner_proof=$(python3 - "$CITUS_KEYRING" 10000012345 <<'PY'
import base64, hashlib, hmac, struct, sys, time
key = next(bytes.fromhex(l.split()[1]) for l in open(sys.argv[1]) if l.startswith("index "))
prk = hmac.new(b"listguard hkdf salt v1", key, hashlib.sha256).digest()
okm = hmac.new(prk, b"listguard citus proof v2" + b"\x01", hashlib.sha256).digest()
raw = struct.pack(">QQ", int(sys.argv[2]), int(time.time()))
raw += hmac.new(okm, raw + b"listguard_owner", hashlib.sha256).digest()[:16]
print("lgp2:" + base64.urlsafe_b64encode(raw).decode().rstrip("="))
PY
)
at coordinator -c "CREATE ROLE outsider LOGIN" -c "GRANT SELECT ON subs TO outsider" >/dev/null
as_owner() { PGAPPNAME="$1 gpid=10000012345" PGOPTIONS="-c listguard.citus_proof=$owner_proof" at "${@:2}" -U listguard_owner; }
check "$(as_owner citus_internal $shard_node -c "SELECT current_user" 2>&1)" listguard_owner \
    "a listguard_owner proof made from the keyring logs it in (the case below is a leaked one)"
policy=listguard_read # policies keep their names on shards
# Qualified, as Citus sends them: listguard_owner's search_path is pg_catalog.
refused=0
for sql in "ALTER TABLE public.$shard DISABLE TRIGGER $trigger" "ALTER TABLE public.$shard DISABLE TRIGGER ALL" \
    "ALTER TABLE public.$shard NO FORCE ROW LEVEL SECURITY" "ALTER TABLE public.$shard DISABLE ROW LEVEL SECURITY" \
    "ALTER POLICY $policy ON public.$shard USING (true)" "DROP POLICY $policy ON public.$shard" \
    "CREATE POLICY opened ON public.$shard USING (true)" "ALTER TABLE public.$shard OWNER TO viewer" \
    "DROP TRIGGER $trigger ON public.$shard" "ALTER POLICY $policy ON public.$shard RENAME TO other" \
    "CREATE RULE r AS ON INSERT TO public.$shard DO INSTEAD NOTHING" \
    "ALTER TABLE public.$shard RENAME TO ${shard}_x" "ALTER TABLE public.$shard RENAME COLUMN email TO e" \
    "ALTER TABLE public.$shard ALTER COLUMN email SET DEFAULT 'planted@example.com'" \
    "CREATE TABLE public.c58 () INHERITS (public.$shard)"; do
    err=$(as_owner citus_internal $shard_node -c "$sql" 2>&1)
    case "$err" in *"permission denied for protected table"*) refused=$((refused + 1)) ;; *) echo "# not refused: $sql: $err" ;; esac
done
check "$refused" 15 "a proven listguard_owner session may not disable triggers, row security or change policies of a shard, rename it or its columns, set a default address, inherit from it (attack10 56, 58)"
err=$(as_owner citus_rebalancer coordinator -c "SET citus.allow_nested_distributed_execution = on" \
    -c "ALTER POLICY listguard_read ON public.subs USING (true)" 2>&1)
check "$(printf '%s' "$err" | grep -c 'permission denied for protected table')|$(at $shard_node -U outsider -c "SELECT count(*) FROM $shard")|$(at coordinator -U outsider -c "SELECT count(*) FROM subs")|$(at $shard_node -c "SELECT count(*) FROM pg_trigger WHERE tgrelid = '$shard'::regclass AND tgname LIKE 'listguard%' AND tgenabled = 'D'")" \
    "1|0|0|0" \
    "nor, on the coordinator, the distributed table's policy: the outsider still reads no row anywhere"

# 77-78 (attack10: 107-109): Citus calls its worker functions unqualified
# over connections as the table's owner (listguard_owner) or a superuser.
# listguard_owner's search_path is pg_catalog, pg_temp on every node, and
# no one but a superuser may put a function of a Citus function's name, or
# a schema of listguard_owner's or a superuser's name, where those
# connections would look. mig has CREATE on the database (schemas of its
# own); wdbo owns the database on worker1 (and so schema public there).
for w in worker1 worker2; do
    at $w -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
SET citus.enable_ddl_propagation = off;
CREATE TABLE public.trap_calls (node text, role text, cmd text);
GRANT INSERT ON public.trap_calls TO PUBLIC;
-- Made by a superuser (which may): stands for a schema made before
-- listguard was loaded. Citus's own is pg_catalog.worker_apply_shard_ddl_command(bigint, ...).
CREATE SCHEMA listguard_owner;
GRANT USAGE ON SCHEMA listguard_owner TO PUBLIC;
CREATE FUNCTION listguard_owner.worker_apply_shard_ddl_command(shardid int, cmd text) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
  INSERT INTO public.trap_calls VALUES (current_setting('port'), current_user, left(cmd, 60));
  PERFORM pg_catalog.worker_apply_shard_ddl_command(shardid::bigint, cmd);
END $f$;
CREATE FUNCTION listguard_owner.worker_apply_shard_ddl_command(shardid int, schema text, cmd text) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
  INSERT INTO public.trap_calls VALUES (current_setting('port'), current_user, left(cmd, 60));
  PERFORM pg_catalog.worker_apply_shard_ddl_command(shardid::bigint, schema, cmd);
END $f$;
SQL
done
settings=""
for w in coordinator worker1 worker2; do
    settings="$settings$(at $w -c "SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting WHERE setrole = 'listguard_owner'::regrole AND setdatabase = 0");"
done
check "$settings" "search_path=pg_catalog, pg_temp;search_path=pg_catalog, pg_temp;search_path=pg_catalog, pg_temp;" \
    "listguard_owner's search_path is pg_catalog, pg_temp on every node"
at coordinator -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE ROLE mig LOGIN;
GRANT CREATE ON DATABASE esp TO mig;
SQL
at worker1 -c "SET citus.enable_ddl_propagation = off" -c "CREATE ROLE wdbo LOGIN" -c "ALTER DATABASE esp OWNER TO wdbo" -c "ALTER SCHEMA public OWNER TO wdbo" >/dev/null
refused=0
shadow() { # NODE ROLE SQL...: refused with 42501 by listguard?
    local node=$1 role=$2; shift 2
    local err
    err=$(at $node -U $role -v ON_ERROR_STOP=1 -v VERBOSITY=verbose -c "SET citus.enable_ddl_propagation = off" "${@/#/-c}" 2>&1)
    case $err in *"ERROR:  42501: permission denied to "*) refused=$((refused + 1)) ;; *) echo "# not refused ($role on $node): $*: $err" ;; esac
}
shadow coordinator mig "CREATE SCHEMA listguard_owner"
shadow coordinator mig "CREATE SCHEMA postgres"
shadow coordinator mig "CREATE SCHEMA elsewhere" "ALTER SCHEMA elsewhere RENAME TO listguard_owner"
shadow coordinator mig "CREATE SCHEMA IF NOT EXISTS mig" \
    "CREATE FUNCTION mig.worker_apply_shard_ddl_command(int, text) RETURNS void LANGUAGE sql AS ''"
shadow coordinator mig "CREATE SCHEMA IF NOT EXISTS mig" "CREATE FUNCTION mig.f(int, text) RETURNS void LANGUAGE sql AS ''" \
    "ALTER FUNCTION mig.f(int, text) RENAME TO worker_apply_shard_ddl_command"
shadow worker1 wdbo "CREATE FUNCTION public.worker_apply_shard_ddl_command(int, text, text) RETURNS void LANGUAGE sql AS ''"
shadow worker1 wdbo "CREATE PROCEDURE public.citus_move_shard_placement(int) LANGUAGE sql AS ''"
check "$refused" 7 "a role with CREATE on the database, or a worker's database owner, cannot shadow Citus's calls (42501)"

# 37-41: a node added later and shards moved to it.
node_init worker3 "citus.shard_count = 8"
at coordinator -c "SELECT citus_add_node('127.0.0.1', $(node_port worker3))" >/dev/null
check "$(at worker3 -c "SELECT count(*) FROM listguard.grants")" "$(at coordinator -c "SELECT count(*) FROM listguard.grants")" \
    "a node added later has the grants at once"
moved=$(at coordinator -c "SELECT replicate_reference_tables('block_writes')" \
             -c "SELECT rebalance_table_shards('subs', shard_transfer_mode => 'block_writes')" 2>&1)
echo "# rebalance: $(printf '%s' "$moved" | tr '\n' ' ' | cut -c1-200)"
on3=$(at coordinator -c "SELECT count(*) FROM pg_dist_placement p JOIN pg_dist_node n USING (groupid) JOIN pg_dist_shard s USING (shardid)
                         WHERE n.nodeport = $(node_port worker3) AND s.logicalrelid = 'subs'::regclass")
check_true "[ ${on3:-0} -gt 0 ]" "the rebalancer moved shards of the protected table to the new node ($on3)"
check "$(at coordinator -U reader -c "SELECT count(*) FILTER (WHERE email::text LIKE 'member%') FROM subs WHERE account_id = 1")" 200 \
    "after the move the role reads the same rows in clear: stamps and addresses moved with the rows"
check "$(at worker3 -c "SET citus.override_table_visibility = off" -c "SELECT count(*) FROM pg_class c WHERE c.relname ~ '^subs_[0-9]+$' AND c.relrowsecurity AND c.relforcerowsecurity AND c.relowner = 'listguard_owner'::regrole")" "$on3" \
    "the moved shards are protected on the new node (forced row security, listguard's owner)"
check "$(at worker3 -U viewer -c "SELECT count(*) FROM subs")|$(at worker3 -c "SET citus.override_table_visibility = off" -c "SELECT count(*) FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relname ~ '^subs_[0-9]+$' AND p.polname <> 'listguard_base' AND p.polpermissive")" \
    "200|0" "and read through it with the masked role's rows only (restrictive policies there too)"
# A split: the new shards are protected too, and the rows still read.
split=$(at coordinator -c "SELECT citus_split_shard_by_split_points(s.shardid, ARRAY[(s.shardminvalue::int + 1000)::text],
            ARRAY[(SELECT nodeid FROM pg_dist_node WHERE nodeport = $(node_port worker1)),
                  (SELECT nodeid FROM pg_dist_node WHERE nodeport = $(node_port worker2))], 'block_writes')
        FROM pg_dist_shard s WHERE s.shardid = get_shard_id_for_distribution_column('subs', 12)" 2>&1)
unprotected=0
for w in worker1 worker2 worker3; do
    cnt=$(at "$w" -c "SET citus.override_table_visibility = off" -c "SELECT count(*) FROM pg_class c WHERE c.relname ~ '^subs_[0-9]+$'
            AND NOT (c.relforcerowsecurity AND c.relowner = 'listguard_owner'::regrole
                     AND (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid AND NOT p.polpermissive) = 4)")
    unprotected=$((unprotected + ${cnt:-1}))
done
check "$split|$unprotected|$(at coordinator -U reader -c "SELECT count(*) FILTER (WHERE email::text LIKE 'member%') FROM subs WHERE account_id = 1")" \
    "|0|200" "a shard split: the new shards are protected, and the role reads the same rows in clear"
check "$(at coordinator -c "SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting WHERE setrole = 'listguard_owner'::regrole AND setdatabase = 0")|$(at worker3 -c "SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting WHERE setrole = 'listguard_owner'::regrole AND setdatabase = 0")" \
    "search_path=pg_catalog, pg_temp|search_path=pg_catalog, pg_temp" "the node added later has listguard_owner's search_path too"
check "$(at worker1 -c "SELECT count(*) FROM public.trap_calls")|$(at worker2 -c "SELECT count(*) FROM public.trap_calls")" "0|0" \
    "through the rebalance and the split, Citus's calls as listguard_owner never reached a function in schema listguard_owner"

# 42-44: the coordinator stops: a clear read under a quota on a worker
# fails closed, masked reads go on; the refusal reaches the coordinator's
# log once it is back.
at coordinator -c "SELECT listguard.grant_access('carol', 1, reveal => 'clear', quota => '1000/day')" >/dev/null
node_stop coordinator
err=$(at worker2 -U carol -c "SELECT email::text FROM subs WHERE list_id IN (12, 14)" 2>&1 >/dev/null)
echo "# $(printf '%s' "$err" | head -2 | tr '\n' ' ')"
check "$(printf '%s' "$err" | grep -c 'cannot be counted on this Citus worker')" 1 \
    "with the coordinator down, a clear read under a quota on a worker fails closed"
check "$(at worker2 -U viewer -c "SELECT count(*) FROM subs WHERE email::text LIKE '%*%'")" 200 "masked reads on a worker go on"
node_start coordinator
check "$(at coordinator -c "SELECT ok FROM listguard.verify_audit()")" t "verify_audit() is ok after the coordinator's restart"

# 45-48: what a node holds and sends.
check "$(at worker1 -c "SET citus.override_table_visibility = off" -c "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'listguard citus worker link'")" 1 \
    "each worker runs a link to the coordinator"
check "$(at coordinator -c "SELECT count(*) FROM listguard.audit_log WHERE kind = 'denied' AND origin IS NOT NULL AND detail::text LIKE '%@%'")" 0 \
    "no address in the refusals the workers recorded"
check "$(grep -h 'ERROR\|DETAIL' "$SERVERS_DIR"/*.log | grep -c 'member[0-9]*@example.com')" 0 "no clear address in any node's server log"
check "$(at coordinator -c "SELECT ok FROM listguard.verify_audit()")" t "verify_audit() is ok at the end"

# 55-56: a worker-local DBA without superuser (CREATEROLE, made on worker1
# only) cannot make itself a member of a role with a clear grant, nor of
# listguard_owner, which owns the shards.
at worker1 -c "SET citus.enable_ddl_propagation = off" -c "CREATE ROLE wdba LOGIN CREATEROLE" >/dev/null
refused=0
for sql in "GRANT reader TO wdba" "GRANT listguard_owner TO wdba" "CREATE ROLE wdba2 LOGIN IN ROLE reader"; do
    err=$(at worker1 -U wdba -c "SET citus.enable_ddl_propagation = off" -c "$sql" 2>&1)
    case $err in *"permission denied"*|*"must have admin option"*|*"must be superuser"*) refused=$((refused + 1)) ;; *) echo "# not refused: $sql: $err" ;; esac
done
check "$refused" 3 "a CREATEROLE role on a worker cannot take a grantee's or listguard_owner's rights"
check "$(at worker1 -U wdba -c "SELECT count(*) FROM subs" 2>&1 | grep -c 'permission denied')" 1 "nor read the table"

# 57-62: a worker down while a grant is revoked, or restored from a backup
# taken before. The revocation cannot reach a node that is down and fails
# (as Citus's own DDL does): no node keeps a grant the others lost. A node
# restored from a backup holds the revoked grant when it starts; started
# while the coordinator is down, it shows nothing above masks until its
# link has compared catalogs with the coordinator's; then the grant is gone
# there too.
at coordinator -v ON_ERROR_STOP=1 >/dev/null <<'SQL'
CREATE ROLE dave LOGIN;
GRANT USAGE ON SCHEMA listguard TO dave;
GRANT SELECT ON subs TO dave;
SELECT listguard.grant_access('dave', 1, reveal => 'clear');
SQL
shard2=$(at coordinator -c "SELECT shard_name('subs', p.shardid) FROM pg_dist_placement p JOIN pg_dist_node n USING (groupid)
                            WHERE n.nodeport = $(node_port worker2) AND p.shardid IN
                                (SELECT get_shard_id_for_distribution_column('subs', l) FROM unnest(ARRAY[10, 12, 14, 16]) l)
                            LIMIT 1")
dave_clear() { at worker2 -U dave -c "SELECT count(*) FILTER (WHERE email::text LIKE 'member%') FROM $shard2" 2>&1; }
revoke_dave="SELECT listguard.revoke_access(g.id) FROM listguard.grants g WHERE g.grantee = 'dave'::regrole"
before=$(dave_clear)
node_stop worker2
as_server cp -a "$SERVERS_DIR/worker2" "$SERVERS_DIR/worker2.backup" # a file-level backup, with dave's grant
err=$(at coordinator -c "$revoke_dave" 2>&1)
echo "# $(printf '%s' "$err" | head -1)"
check_true "[ \"\${before:-0}\" -gt 0 ] && [ \$(printf '%s' \"\$err\" | grep -c ERROR) -ge 1 ] && [ \$(at coordinator -c \"SELECT count(*) FROM listguard.grants WHERE grantee = 'dave'::regrole\") = 1 ]" \
    "with a worker down, a revocation fails everywhere (dave read $before clear values there before)"
node_start worker2
err=$(at coordinator -c "$revoke_dave" 2>&1 | grep ERROR)
check "$err$(at coordinator -c "SELECT count(*) FROM listguard.grants WHERE grantee = 'dave'::regrole")|$(dave_clear)" "0|0" \
    "with the worker back, the revocation commits and reaches it"
# The worker is restored from the backup while the coordinator is down.
node_stop coordinator
node_stop worker2
as_server rm -rf "$SERVERS_DIR/worker2"
as_server mv "$SERVERS_DIR/worker2.backup" "$SERVERS_DIR/worker2"
node_start worker2
stale=$(at worker2 -c "SELECT count(*) FROM listguard.grants WHERE grantee = 'dave'::regrole")
got=$(dave_clear)
echo "# $(printf '%s' "$got" | grep WARNING | head -1)"
check "$stale|$(printf '%s' "$got" | tail -1)|$(printf '%s' "$got" | grep -c 'catalog on this Citus worker is not confirmed')" "1|0|1" \
    "a worker restored from an older backup, the coordinator down: it holds the revoked grant but shows no clear value under it"
node_start coordinator
# The first read once the coordinator is back waits for the link, which
# takes the revocation meanwhile: its statement's row policy may still see
# the stale grant (the rows it counts), its values are decided again after
# the wait (attack review 4, finding 3).
race=$(at worker2 -U dave -c "SELECT count(*), count(*) FILTER (WHERE email::text LIKE 'member%') FROM $shard2" 2>&1 | tail -1)
echo "# the first read after the coordinator came back: $race (rows its row policy let through|clear values)"
check "${race#*|}" 0 "a read that waited for the restored worker's link shows no clear value under the revoked grant"
gone=1
for _ in $(seq 300); do
    gone=$(at worker2 -c "SELECT count(*) FROM listguard.grants WHERE grantee = 'dave'::regrole")
    [ "$gone" = 0 ] && break
    dave_clear >/dev/null # a reader starts the link if none runs
    sleep 0.1
done
check "$gone|$(dave_clear)" "0|0" "once the coordinator is back, the restored worker takes the revocation through its link"
check "$(at coordinator -U dave -c "SELECT count(*) FROM subs")|$(at worker2 -c "SELECT count(*) FROM listguard.grants")" \
    "0|$(at coordinator -c "SELECT count(*) FROM listguard.grants")" "and holds the coordinator's catalog"
check "$(at coordinator -c "SELECT ok FROM listguard.verify_audit()")" t "verify_audit() is ok after it all"
