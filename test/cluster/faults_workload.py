#!/usr/bin/python3
"""The workload and the checks of faults.t (see there for what is promised).

Several client sessions run a mixed workload against one server while the
main thread kills, one after the other, a random client backend of the
workload, the database's audit writer and the housekeeper with SIGKILL;
each kill makes the postmaster restart everything (crash recovery). After
each kill: the server accepts connections again and verify_audit() is ok.
At the end: every event a client saw committed is in the audit log, or in
the server log with an audit_gap event for it, or was lost in a crash while
it was still in flight (queued or being written: audit_pending() was never
seen at 0 between the event and the crash), at most audit_queue_size events
per crash, and every crash left an audit_gap (after_crash) that says events
before it may be missing; and each quota's clear values, as the clients
received them, never exceed its limit, crashes or not.

Environment: PGHOST (socket directory), PGPORT, FAULTS_DATADIR, FAULTS_LOG
(the server log), FAULTS_KILLS, FAULTS_QUEUE (audit_queue_size),
FAULTS_SAVE_MS (quota_save_interval), FAULTS_EXPORT_QUOTA,
FAULTS_HOG_QUOTA, FAULTS_SUBS (rows of list 10), FAULTS_SEED, FAULTS_DEADLINE
(seconds for the whole kill phase). Prints TAP, plan first.
"""
import collections
import datetime
import json
import os
import random
import re
import sys
import threading
import time

import psycopg

HOST = os.environ["PGHOST"]
PORT = os.environ["PGPORT"]
DATADIR = os.environ["FAULTS_DATADIR"]
SERVER_LOG = os.environ["FAULTS_LOG"]
KILLS = int(os.environ.get("FAULTS_KILLS", "24"))
QUEUE = int(os.environ.get("FAULTS_QUEUE", "2048"))
SAVE_INTERVAL = int(os.environ.get("FAULTS_SAVE_MS", "200")) / 1000.0
QUOTAS = {
    "exporter": int(os.environ.get("FAULTS_EXPORT_QUOTA", "1200")),
    "hog": int(os.environ.get("FAULTS_HOG_QUOTA", "150")),
}
SUBS = int(os.environ.get("FAULTS_SUBS", "2000"))
SEED = int(os.environ.get("FAULTS_SEED", str(random.randrange(1 << 30))))
DEADLINE = float(os.environ.get("FAULTS_DEADLINE", "200"))
EXPORT_RATE = 50.0  # clear values per second, all exporter sessions together
TARGETS = ["client backend", "audit writer", "housekeeper"]

now = time.monotonic
stop = threading.Event()
start_wall, start_mono = time.time(), now()


def wall(mono):
    return start_wall + (mono - start_mono)


def connect(user, app, autocommit=False):
    return psycopg.connect(host=HOST, port=PORT, dbname="esp", user=user, application_name=app,
                           autocommit=autocommit, connect_timeout=5)


# What the clients saw: events whose call or transaction they saw succeed,
# and the clear values they received.
events_lock = threading.Lock()
events = []  # dict(key=(kind, id), done=t, conn=t, worker=name, extra=...)


def saw(key, conn_time, worker, **extra):
    with events_lock:
        events.append(dict(key=key, done=now(), conn=conn_time, worker=worker, **extra))


class Worker(threading.Thread):
    user = "postgres"
    autocommit = False

    def __init__(self, name, seed):
        super().__init__(name=name, daemon=True)
        self.rnd = random.Random(seed)
        self.conn = None
        self.conn_time = None
        self.ops = 0
        self.ops_at = []  # completion times
        self.errors = collections.Counter()
        self.disconnects = 0

    def connection(self):
        while self.conn is None and not stop.is_set():
            try:
                self.conn = connect(self.user, "faults-" + self.name, self.autocommit)
                self.conn_time = now()
            except psycopg.Error:
                time.sleep(0.05)
        return self.conn

    def drop(self):
        try:
            self.conn.close()
        except Exception:
            pass
        self.conn = None
        self.disconnects += 1

    def run(self):
        while not stop.is_set():
            conn = self.connection()
            if conn is None:
                break
            try:
                pause = self.step(conn)
                self.ops += 1
                self.ops_at.append(now())
            except psycopg.Error as e:
                if conn.broken or conn.closed or isinstance(e, psycopg.OperationalError):
                    self.drop()
                else:
                    # The server answered (a refusal such as LG001): progress too.
                    self.ops_at.append(now())
                    self.errors[e.sqlstate or type(e).__name__] += 1
                    try:
                        conn.rollback()
                    except psycopg.Error:
                        self.drop()
                pause = 0.02
            stop.wait(pause)
        if self.conn is not None:
            try:
                self.conn.close()
            except Exception:
                pass


class Exporter(Worker):
    """Clear reads of list 10 under the role's quota (on_exceed => error)."""
    autocommit = True

    def __init__(self, name, seed, user, rate):
        super().__init__(name, seed)
        self.user = user
        self.rate = rate  # values per second for this session (None: as fast as it goes)
        self.received = []  # (time received, clear values, connection time)
        self.masked_seen = 0

    def step(self, conn):
        k = self.rnd.randint(1, 6)
        a = self.rnd.randint(1, SUBS - k)
        rows = conn.execute("SELECT email::text FROM subs WHERE account_id = 1 AND list_id = 10 "
                            "AND id BETWEEN %s AND %s", (a, a + k - 1)).fetchall()
        t = now()
        clear = sum(1 for (v,) in rows if v and "***" not in v)
        self.masked_seen += len(rows) - clear
        if clear:
            self.received.append((t, clear, self.conn_time))
            saw(("reveal", sum(1 for k in kill_times_seen if k < self.conn_time), conn.info.backend_pid,
                 self.user, clear), self.conn_time, self.name)
        return k / self.rate if self.rate else 0.03


class MaskedReader(Worker):
    """Masked reads of every account: never an address in clear."""
    user = "support"
    autocommit = True

    def __init__(self, name, seed):
        super().__init__(name, seed)
        self.values = 0
        self.clear = 0

    def step(self, conn):
        a = self.rnd.randint(1, SUBS - 20)
        rows = conn.execute("SELECT email::text FROM subs WHERE id BETWEEN %s AND %s", (a, a + 19)).fetchall()
        self.values += len(rows)
        self.clear += sum(1 for (v,) in rows if v and "***" not in v)
        return 0.05


class Granter(Worker):
    """grant_access() and revoke_access() of a masked grant, as an admin."""

    def __init__(self, name, seed):
        super().__init__(name, seed)
        self.outstanding = []

    def step(self, conn):
        if self.outstanding and (len(self.outstanding) > 2 or self.rnd.random() < 0.5):
            gid = self.outstanding.pop(0)
            conn.execute("SELECT listguard.revoke_access(%s)", (gid,))
            conn.commit()
            saw(("revoke", str(gid)), self.conn_time, self.name)
        else:
            gid = conn.execute("SELECT listguard.grant_access('churn', %s, reveal => 'masked')",
                               (self.rnd.randint(2, 9),)).fetchone()[0]
            conn.commit()
            saw(("grant", str(gid)), self.conn_time, self.name)
            self.outstanding.append(gid)
        return self.rnd.uniform(0.03, 0.1)


requests_to_approve = collections.deque()


class Requester(Worker):
    """Asks for clear access to list 11 (a break-glass request)."""
    user = "engineer"

    def step(self, conn):
        rid = conn.execute("SELECT listguard.request_access(1, 11, reveal => 'clear', duration => '10 minutes', "
                           "reason => 'faults: ticket')").fetchone()[0]
        conn.commit()
        saw(("request", str(rid)), self.conn_time, self.name)
        requests_to_approve.append(rid)
        return self.rnd.uniform(0.1, 0.3)


class Approver(Worker):
    """Approves the requests (two-person rule: another role than the requester)."""
    user = "lead"

    def step(self, conn):
        if not requests_to_approve:
            return 0.05
        rid = requests_to_approve.popleft()
        conn.execute("SELECT listguard.approve(%s, 'faults')", (rid,))
        conn.commit()
        saw(("approve", str(rid)), self.conn_time, self.name)
        saw(("approved", str(rid)), self.conn_time, self.name)
        return self.rnd.uniform(0.05, 0.2)


class StatementWriter(Worker):
    """Inserts into subs (audit => 'statement'): one rows_changed per statement."""
    user = "writer"

    def step(self, conn):
        k = self.rnd.randint(1, 5)
        conn.execute("INSERT INTO subs (account_id, list_id, email) SELECT 1, 20, 's' || g || '.' || %s || "
                     "'@example.com' FROM generate_series(1, %s) g", (self.rnd.randrange(1 << 30), k))
        xid = conn.execute("SELECT txid_current()").fetchone()[0]
        conn.commit()
        saw(("rows", str(xid)), self.conn_time, self.name, rows=k)
        return self.rnd.uniform(0.02, 0.08)


class RowWriter(Worker):
    """Inserts into rowtab (audit => 'row'): one row_changed per row; now and
    then a burst of more rows than the audit queue holds."""
    user = "writer"

    def __init__(self, name, seed):
        super().__init__(name, seed)
        self.last_burst = now()
        self.bursts = 0

    def step(self, conn):
        k = self.rnd.randint(1, 4)
        if now() - self.last_burst > 7:
            k = QUEUE + QUEUE // 4
            self.last_burst = now()
            self.bursts += 1
        ids = conn.execute("INSERT INTO rowtab (account_id, list_id, email) SELECT 1, 20, 'r' || g || '.' || %s || "
                           "'@example.com' FROM generate_series(1, %s) g RETURNING id",
                           (self.rnd.randrange(1 << 30), k)).fetchall()
        conn.commit()
        for (i,) in ids:
            saw(("row", str(i)), self.conn_time, self.name)
        return self.rnd.uniform(0.02, 0.08)


class PendingMonitor(Worker):
    """Samples listguard.audit_pending(): a 0 read at time t means every
    event raised before t was in the audit log, its anchor written (the
    writer flushes its commit first), so no crash may lose it."""
    autocommit = True

    def __init__(self, name, seed):
        super().__init__(name, seed)
        self.zeros = []  # (time the query was sent, connection time)
        self.samples = 0

    def step(self, conn):
        t = now()
        pending = conn.execute("SELECT listguard.audit_pending()").fetchone()[0]
        self.samples += 1
        if pending == 0:
            self.zeros.append((t, self.conn_time))
        return 0.01


class StateWatcher(threading.Thread):
    """When pg_listguard/quota.state was last replaced (its mtime): the
    housekeeper's saves, for the report."""

    def __init__(self):
        super().__init__(daemon=True)
        self.saves = []  # wall-clock seconds of each save seen

    def run(self):
        path = os.path.join(DATADIR, "pg_listguard", "quota.state")
        last = None
        while not stop.is_set():
            try:
                m = os.stat(path).st_mtime_ns
                if m != last:
                    last = m
                    self.saves.append(m / 1e9)
            except OSError:
                pass
            time.sleep(0.003)


# ---------------------------------------------------------------- killing

def postmaster_pid():
    with open(os.path.join(DATADIR, "postmaster.pid")) as f:
        return int(f.readline())


def children_named(title):
    """This server's processes (children of its postmaster) whose title has `title`."""
    pm = postmaster_pid()
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            ppid = int(stat[stat.rindex(")") + 2:].split()[1])
            if ppid != pm:
                continue
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
        except (OSError, ValueError):
            continue
        if title in cmd:
            found.append(int(entry))
    return found


def admin_query(sql, params=None, timeout=5):
    with connect("postgres", "faults-killer", autocommit=True) as c:
        c.execute(f"SET statement_timeout = '{int(timeout * 1000)}ms'")
        return c.execute(sql, params).fetchall()


def find_victim(target, rnd):
    """A pid of the target kind, and how it was found."""
    pm = postmaster_pid()
    deadline = now() + 5
    while now() < deadline:
        try:
            if target == "client backend":
                rows = admin_query("SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' "
                                   "AND application_name LIKE 'faults-%%' AND application_name <> 'faults-killer'")
                pids = [r[0] for r in rows]
            elif target == "audit writer":
                rows = admin_query("SELECT pid FROM pg_stat_activity WHERE backend_type = 'listguard audit writer' "
                                   "AND datname = 'esp'")
                pids = [r[0] for r in rows]
            else:
                # No database connection: not in pg_stat_activity.
                pids = children_named("listguard housekeeper")
        except psycopg.Error:
            pids = []
        pids = [p for p in pids if p != pm]
        if pids:
            return rnd.choice(pids)
        time.sleep(0.1)
    return None


def log_text():
    with open(SERVER_LOG, errors="replace") as f:
        return f.read()


def log_size():
    return os.path.getsize(SERVER_LOG)


def wait_restarted(offset, pid, timeout=60):
    """Waits until the postmaster has noticed the kill and reinitialised
    (the server log says so after `offset`), then until it accepts
    connections; returns when it does (None: not within the timeout)."""
    deadline = now() + timeout
    while now() < deadline:
        with open(SERVER_LOG, errors="replace") as f:
            f.seek(offset)
            text = f.read()
        if f"(PID {pid}) was terminated by signal 9" in text and "reinitializing" in text:
            break
        time.sleep(0.01)
    while now() < deadline:
        try:
            admin_query("SELECT 1", timeout=2)
            return now()
        except psycopg.Error:
            time.sleep(0.05)
    return None


# ---------------------------------------------------------------- TAP

results = []
kill_times_seen = []  # kills so far (monotonic), for the sessions' incarnation


def check(ok, name, diag=None):
    results.append((bool(ok), name, diag))


def main():
    rnd = random.Random(SEED)
    exporters = [Exporter(f"exporter{i}", rnd.random(), "exporter", EXPORT_RATE / 3) for i in range(3)]
    hog = Exporter("hog", rnd.random(), "hog", None)
    masked = MaskedReader("support", rnd.random())
    granter = Granter("granter", rnd.random())
    requester = Requester("engineer", rnd.random())
    approver = Approver("lead", rnd.random())
    swriter = StatementWriter("stmt-writer", rnd.random())
    rwriter = RowWriter("row-writer", rnd.random())
    monitor = PendingMonitor("monitor", rnd.random())
    workers = exporters + [hog, masked, granter, requester, approver, swriter, rwriter, monitor]
    watcher = StateWatcher()
    for w in workers:
        w.start()
    watcher.start()

    kills = []
    phase_start = now()
    time.sleep(3)  # the workload gets going, the quota windows open
    for k in range(KILLS):
        target = TARGETS[k % len(TARGETS)]
        if now() - phase_start > DEADLINE:
            kills.append(dict(target=target, skipped=True))
            continue
        time.sleep(rnd.uniform(2.0, 4.0))
        pid = find_victim(target, rnd)
        if pid is None:
            kills.append(dict(target=target, pid=None))
            continue
        offset = log_size()
        t_kill = now()
        kill_times_seen.append(t_kill)
        os.kill(pid, 9)
        t_ready = wait_restarted(offset, pid)
        kill = dict(target=target, pid=pid, t=t_kill, ready=t_ready)
        if t_ready is not None:
            try:
                kill["verify"] = admin_query("SELECT ok, checked, problem FROM listguard.verify_audit()",
                                             timeout=30)[0]
            except psycopg.Error as e:
                kill["verify"] = (False, 0, f"verify_audit() failed: {e}")
        kills.append(kill)
    time.sleep(2)  # the workload goes on after the last recovery
    stop.set()
    for w in workers:
        w.join(timeout=30)
    watcher.join(timeout=5)
    t_end = now()

    # Let the writer finish what is queued.
    settled = False
    for _ in range(300):
        try:
            if admin_query("SELECT listguard.audit_pending()")[0][0] == 0:
                settled = True
                break
        except psycopg.Error:
            pass
        time.sleep(0.1)

    log = log_text()
    done_kills = [k for k in kills if k.get("pid")]

    # ---- per kill
    for i, k in enumerate(kills, 1):
        what = f"kill {i} ({k['target']})"
        if k.get("skipped"):
            check(True, f"{what}: skipped, past the deadline # SKIP time")
            check(True, f"{what}: skipped # SKIP time")
            continue
        if k.get("pid") is None:
            check(False, f"{what}: found a process to kill")
            check(False, f"{what}: verify_audit() after recovery")
            continue
        crashed = f"(PID {k['pid']}) was terminated by signal 9" in log
        back = k["ready"] is not None
        check(crashed and back,
              f"{what}: pid {k['pid']} killed, the postmaster restarted everything, the server accepts "
              f"connections again" + (f" after {k['ready'] - k['t']:.2f} s" if back else ""),
              None if crashed else "no 'terminated by signal 9' line for it in the server log")
        v = k.get("verify")
        check(v is not None and v[0] is True, f"{what}: verify_audit() is ok after recovery"
              + (f" ({v[1]} events)" if v and v[0] else ""), None if v and v[0] else f"verify_audit(): {v}")

    # ---- the workload ran, through every recovery
    reinit = log.count("all server processes terminated; reinitializing")
    check(reinit == len(done_kills),
          f"{len(done_kills)} kills, {reinit} crash restarts in the server log (none of its own)")
    last_ready = max((k["ready"] for k in done_kills if k.get("ready")), default=phase_start)
    idle = [w.name for w in workers if not any(t > last_ready for t in w.ops_at)]
    check(not idle, "every client session worked again after the last recovery",
          f"no operation after the last recovery: {idle}")
    gaps = []
    for k in done_kills:
        if k.get("ready") is None:
            continue
        nxt = min((j["t"] for j in done_kills if j["t"] > k["t"]), default=t_end)
        done_between = sum(1 for w in workers for t in w.ops_at if k["ready"] < t < nxt)
        if done_between == 0:
            gaps.append(k["pid"])
    check(not gaps, "after every recovery the workload made progress before the next kill",
          f"no operation between recovery and the next kill after killing {gaps}")

    # ---- events
    kill_times = sorted(k["t"] for k in done_kills)
    kill_walls = [wall(t) for t in kill_times]

    # The server log, cut into incarnations at each "all server processes
    # terminated; reinitializing" (every process of the old one is gone by
    # then); the server's times of those cuts place the table's events.
    log_time_re = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) UTC")
    log_event_re = re.compile(r"listguard event( \([^)]*\))?: (\{.*\})\s*$")
    cuts = []
    logged_events = []  # (incarnation, why, event)
    for line in log.splitlines():
        if "all server processes terminated; reinitializing" in line:
            t = log_time_re.match(line)
            cuts.append(datetime.datetime.strptime(t.group(1), "%Y-%m-%d %H:%M:%S.%f").replace(
                tzinfo=datetime.timezone.utc).timestamp() if t else 0)
            continue
        m = log_event_re.search(line)
        if m:
            try:
                logged_events.append((len(cuts), m.group(1) or "", json.loads(m.group(2))))
            except ValueError:
                pass

    def incarnation_of_server_time(t):
        return sum(1 for c in cuts if c < t)

    rows = admin_query("SELECT kind, relation, xid::text, detail::text, counts::text, logged_at, current_user_name, "
                       "backend_pid FROM listguard.audit_log WHERE kind IN ('grant', 'revoke', 'access_request', "
                       "'rows_changed', 'row_changed', 'clear_reveal', 'audit_gap') ORDER BY id", timeout=60)
    in_table = collections.Counter()  # key -> rows (1 per event but for rows_changed)
    gaps_per_incarnation = collections.Counter()
    crash_gaps = set()  # incarnations whose log says a crash came before them
    gap_events = []
    for (kind, relation, xid, detail, counts, logged_at, user, pid) in rows:
        detail = json.loads(detail) if detail else {}
        incarnation = incarnation_of_server_time(logged_at.timestamp())
        for key, n in event_keys(kind, relation, xid, detail, json.loads(counts) if counts else None,
                                 user, pid, incarnation):
            in_table[key] += n
        if kind == "audit_gap" and detail.get("after_crash"):
            crash_gaps.add(incarnation)
        elif kind == "audit_gap":
            gap_events.append(detail.get("events_in_server_log", 0))
            gaps_per_incarnation[incarnation] += detail.get("events_in_server_log", 0)
    in_log = collections.Counter()
    to_log_per_incarnation = collections.Counter()  # events sent to the server log instead of the table
    for incarnation, why, e in logged_events:
        if why:  # "" is log_events = on (off here); the rest went to the log instead of the table
            to_log_per_incarnation[incarnation] += 1
        for key, n in event_keys(e.get("kind"), e.get("table"), str(e.get("xid")), e.get("detail") or {},
                                 e.get("counts"), e.get("current_user"), e.get("pid"), incarnation):
            in_log[key] += n
    gap_total = sum(gap_events)
    zeros = monitor.zeros

    def crash_of(e):
        """The kill that ended the incarnation of the event's session."""
        return next((t for t in kill_times if t > e["conn"]), None)

    def written_before(e, t_crash):
        """audit_pending() was seen at 0 after the event, before the crash,
        from a session of the same incarnation."""
        previous = max([t for t in kill_times if t < t_crash], default=-1e18)
        return any(e["done"] < z < t_crash and c > previous for z, c in zeros)

    groups = collections.defaultdict(list)
    for e in events:
        groups[e["key"]].append(e)
    lost_per_crash = collections.Counter()
    lost_ages = collections.defaultdict(list)
    bad = []  # promised and missing
    via_log = 0
    by_kind = collections.Counter()
    for key, group in groups.items():
        group.sort(key=lambda e: e["done"])
        by_kind[key[0]] += len(group)
        need = sum(e.get("rows", 1) for e in group)
        if in_table[key] >= need:
            continue
        if in_table[key] + in_log[key] >= need:
            via_log += need - in_table[key]
            continue
        # The writer appends in order: what a crash loses is the last of them.
        missing = need - in_table[key] - in_log[key]
        for e in reversed(group):
            if missing <= 0:
                break
            missing -= e.get("rows", 1)
            t_crash = crash_of(e)
            if t_crash is None:
                bad.append((e, "lost without a crash"))
            elif written_before(e, t_crash):
                bad.append((e, f"lost in the crash {t_crash - e['done']:.3f} s after it, though audit_pending() "
                               "was seen at 0 in between"))
            else:
                lost_per_crash[t_crash] += 1
                lost_ages[t_crash].append(t_crash - e["done"])
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(by_kind.items()))
    lost_total = sum(lost_per_crash.values())
    check(not bad, f"every event a client saw committed ({kinds}) is in the audit log, in the server log "
                   f"(audit_gap), or was in flight at a crash ({lost_total} lost in flight)",
          "; ".join(f"{e['key']} at +{e['done'] - start_mono:.3f} s: {why}" for e, why in bad[:10]))
    worst = max(lost_per_crash.values(), default=0)
    check(worst <= QUEUE, f"a crash lost at most audit_queue_size ({QUEUE}) events (worst: {worst})")
    # Server run i + 1 starts with crash i (kill_times are the cuts).
    uncovered = [i for i in range(1, len(kill_times) + 1) if i not in crash_gaps]
    check(not uncovered, f"every crash ({len(kill_times)}) left an audit_gap saying events before it may be missing",
          f"server runs without one: {uncovered}")
    uncounted = {i: (n, gaps_per_incarnation[i]) for i, n in sorted(to_log_per_incarnation.items())
                 if gaps_per_incarnation[i] < n and i + 1 not in crash_gaps}
    check(not uncounted,
          f"every event sent to the server log instead of the table ({sum(to_log_per_incarnation.values())}, "
          f"{via_log} of them seen by the clients) is counted by an audit_gap event of the same server run, or "
          f"the crash that ended it left one ({len(gap_events)} audit_gap events, {gap_total} in all)",
          "server run (0 = before the first kill): (events sent to the server log, counted by audit_gap "
          f"events): {uncounted}")
    trouble = [line for line in log.splitlines()
               if re.search(r"damaged|could not save listguard|listguard audit anchor\b.*(could not|unreadable)|"
                            r"could not (open|write|flush) listguard audit anchor|PANIC|"
                            r"listguard audit writer could not|TRAP:|server process .* was terminated by signal (?!9)",
                            line)]
    check(not trouble, "the server log shows no damage: quota state, anchor and writer fine, no other crash",
          "; ".join(trouble[:5]))
    check(settled, "the audit queue drains after the last recovery (audit_pending() = 0)")
    final = admin_query("SELECT ok, checked, problem FROM listguard.verify_audit()", timeout=60)[0]
    contiguous = admin_query("SELECT count(*) = max(id) AND count(DISTINCT id) = count(*) FROM listguard.audit_log")[0][0]
    check(final[0] is True and contiguous, f"verify_audit() is ok at the end ({final[1]} events), ids contiguous",
          f"verify_audit(): {final}, contiguous: {contiguous}")

    # ---- quotas
    for role, limit in QUOTAS.items():
        recs = [r for w in exporters + [hog] if w.user == role for r in w.received]
        total = sum(n for _, n, _ in recs)
        refused = sum(w.errors.get("LG001", 0) for w in exporters + [hog] if w.user == role)
        check(total <= limit,
              f"quota {role} ({limit}/hour): {total} clear values received across {len(kill_times)} crashes, "
              f"never more than the limit",
              f"over by {total - limit}")
        # A crash may count as used the room saved beyond what was shown
        # (up to limit/16 each): the clients then receive less than the limit.
        check(refused > 0,
              f"quota {role}: used up during the run ({refused} statements refused with LG001; {limit - total} of "
              f"{limit} counted but not received, the room saved ahead at crashes)",
              f"received {total} of {limit}, {refused} refusals")
    check(masked.values > 0 and masked.clear == 0,
          f"masked reads ({masked.values} values) never showed an address in clear", f"{masked.clear} clear")
    check(all(w.masked_seen == 0 for w in exporters + [hog]),
          "clear reads under a quota never got a masked value (on_exceed => error refuses instead)")

    locked_writer_crash()

    # ---- report
    out = [f"1..{len(results)}"]
    for i, (ok, name, diag) in enumerate(results, 1):
        out.append(f"{'ok' if ok else 'not ok'} {i} - {name}")
        if not ok and diag:
            out.append(f"# {diag}")
    print("\n".join(out))
    print(f"# seed {SEED}; {len(done_kills)} kills in {t_end - phase_start:.1f} s; "
          f"targets: {collections.Counter(k['target'] for k in done_kills)}")
    print("# recovery times: " + ", ".join(f"{k['ready'] - k['t']:.2f}" for k in done_kills if k.get("ready")))
    for w in workers:
        print(f"# {w.name}: {w.ops} operations, {w.disconnects} reconnects, errors {dict(w.errors)}")
    print(f"# row bursts of {QUEUE + QUEUE // 4} rows: {rwriter.bursts}; audit_gap events: {len(gap_events)} "
          f"({gap_total} events in the server log); client-seen events found only in the server log: {via_log}")
    for t in kill_times:
        if lost_per_crash[t]:
            ages = lost_ages[t]
            print(f"# crash at +{t - start_mono:.1f} s lost {lost_per_crash[t]} events in flight, raised "
                  f"{min(ages) * 1000:.0f} to {max(ages) * 1000:.0f} ms before the kill")
    print(f"# audit_pending() samples: {monitor.samples}, at 0: {len(zeros)}")
    saves = watcher.saves
    if len(saves) > 1:
        kill_walls = [wall(t) for t in kill_times]
        periods = [b - a for a, b in zip(saves, saves[1:]) if not any(a < k < b for k in kill_walls)]
        ages = []
        for t in kill_times:
            before = [s for s in saves if s <= wall(t)]
            if before:
                ages.append(wall(t) - before[-1])
        if periods:
            print(f"# quota.state saves seen: {len(saves)}, period {min(periods) * 1000:.0f} to "
                  f"{max(periods) * 1000:.0f} ms; age of the last save at each kill: "
                  + ", ".join(f"{a * 1000:.0f}" for a in ages) + " ms")
    for role, limit in QUOTAS.items():
        recs = [r for w in exporters + [hog] if w.user == role for r in w.received]
        print(f"# quota {role}: {sum(n for _, n, _ in recs)} clear values received, limit {limit}")
    return 0 if all(ok for ok, _, _ in results) else 1


def locked_writer_crash():
    """docs/audit.md's own case: the writer cannot append (the audit log is
    locked), the queue fills, events go to the server log and wait for
    their audit_gap event. Then a crash (kill -9 of the backend holding the
    lock). The queued events are lost, as documented (at most
    audit_queue_size), and the ones in the server log were not counted yet:
    after recovery the log must say so (an audit_gap after the crash)."""
    rows = QUEUE + QUEUE // 2
    lock_start = now()
    try:
        locker = connect("postgres", "faults-locker")
        locker.execute("SET lock_timeout = '5s'")
        locker.execute("LOCK TABLE listguard.audit_log IN ACCESS EXCLUSIVE MODE")
        writer = connect("writer", "faults-burst", autocommit=True)
        writer.execute("INSERT INTO rowtab (account_id, list_id, email) VALUES (1, 20, 'first@example.com')")
        time.sleep(0.5)  # the writer takes it and waits for the lock
        offset = log_size()
        writer.execute("INSERT INTO rowtab (account_id, list_id, email) SELECT 1, 20, 'locked' || g || "
                       "'@example.com' FROM generate_series(1, %s) g", (rows,))
        writer.close()
        deadline = now() + 10
        while now() < deadline:
            with open(SERVER_LOG, errors="replace") as f:
                f.seek(offset)
                to_log = len(re.findall(r"listguard event \(audit queue full\)", f.read()))
            if to_log >= rows - QUEUE:
                break
            time.sleep(0.05)
        offset = log_size()
        pid = locker.info.backend_pid
        os.kill(pid, 9)
        ready = wait_restarted(offset, pid)
        try:
            locker.close()
        except Exception:
            pass
    except psycopg.Error as e:
        check(False, "a crash while the audit log is locked: set-up", str(e))
        check(False, "a crash while the audit log is locked: the events in the server log are counted")
        return
    check(ready is not None and to_log >= rows - QUEUE,
          f"the audit log locked, {rows} rows written with audit => 'row': {to_log} events went to the server "
          f"log; the lock holder killed, the server is back")
    counted = 0
    if ready is not None:
        admin_query("SELECT listguard.grant_access('churn', 99, reveal => 'masked')")  # wakes a writer
        for _ in range(100):
            if admin_query("SELECT listguard.audit_pending()")[0][0] == 0:
                break
            time.sleep(0.1)
        counted, after_crash = admin_query(
            "SELECT coalesce(sum((detail ->> 'events_in_server_log')::bigint), 0), "
            "count(*) FILTER (WHERE detail ->> 'after_crash' = 'true') FROM listguard.audit_log "
            "WHERE kind = 'audit_gap' AND logged_at > %s",
            (datetime.datetime.fromtimestamp(wall(lock_start), datetime.timezone.utc),))[0]
    check(counted >= to_log or after_crash > 0,
          f"after the crash, the audit log says the {to_log} events that went to the server log before it are "
          f"missing (counted: {counted}, crash gaps: {after_crash})",
          "a crash loses the audit_gap of events already in the server log: they are neither in the table "
          "nor counted as missing")


def event_keys(kind, relation, xid, detail, counts, user, pid, incarnation):
    """The client-visible identities an audit event stands for: (key, rows).
    A clear reveal is known by its session (server incarnation, backend pid)
    and count: a session's reveals of one count are told apart by order."""
    if kind == "grant" and "result" in detail:
        yield ("grant", str(detail["result"])), 1
    elif kind == "revoke":
        yield ("revoke", str((detail.get("arguments") or {}).get("grant_id"))), 1
    elif kind == "access_request" and detail.get("action") in ("request", "approve", "approved"):
        yield (detail["action"], str(detail.get("request"))), 1
    elif kind == "rows_changed" and relation == "public.subs":
        yield ("rows", str(xid)), int((counts or {}).get("rows", 0))
    elif kind == "row_changed" and relation == "public.rowtab":
        yield ("row", str((detail.get("key") or {}).get("id"))), 1
    elif kind == "clear_reveal" and user in QUOTAS:
        yield ("reveal", incarnation, int(pid), user, int((counts or {}).get("clear", 0))), 1


if __name__ == "__main__":
    sys.exit(main())
