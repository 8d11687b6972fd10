"""Clients of pgbouncer (transaction mode) for test/cluster/pgbouncer.t.

    pgbouncer_clients.py PORT SCENARIO

Connects to pgbouncer on 127.0.0.1:PORT with psycopg 3, its automatic
prepared statements off (pgbouncer 1.18 cannot pool them), runs a
scenario in threads whose transactions pgbouncer interleaves, and prints
key=value lines for the test to check:

shared     one login, app (NOINHERIT), for everyone; each transaction starts
           with SET LOCAL ROLE alice / support (bob: set_config('role', 'bob',
           true), the same with a parameter), or none (app itself). Four
           clients, ROUNDS transactions each, all at once, each with its own
           application_name.
per_role   alice and bob log in as themselves (a pool each); two clients
           per role, ROUNDS transactions each, all at once.
hazard     one client of app runs a session-level SET ROLE alice in its
           transaction; the next transaction of another client on the same
           server connection says who it runs as.
prepared   two clients of alice run one parameterized query 8 times each, in
           turns, with psycopg's automatic prepared statements (its default,
           after 5 runs) and without (prepare_threshold=None).
networks   a role whose clear grant is limited to 127.0.0.1/32 reads through
           the pooler's two databases: esp (pooler to server over the Unix
           socket) and esp_tcp (over 127.0.0.1).
"""

import sys
import threading

import psycopg

ROUNDS = 6
ACCOUNT_OF = {"alice": 1, "bob": 2}


def connect(port, user, dbname="esp", application_name=None):
    return psycopg.connect(host="127.0.0.1", port=port, user=user, dbname=dbname, autocommit=True,
                           prepare_threshold=None, application_name=application_name or "client-" + user)


def transaction(conn, role):
    """One pooled transaction; what it ran as and what it saw."""
    with conn.transaction():
        if role == "bob":
            # The same as SET LOCAL ROLE, with the role as a parameter.
            conn.execute("SELECT set_config('role', %s, true)", (role,))
        elif role:
            conn.execute("SET LOCAL ROLE %s" % role)
        pid, current, session = conn.execute("SELECT pg_backend_pid(), current_user, session_user").fetchone()
        rows = conn.execute("SELECT account_id, email::text FROM subs ORDER BY id").fetchall()
        # Hold the server connection a moment, so that the others queue for it.
        conn.execute("SELECT pg_sleep(0.02)")
    return {"pid": pid, "current": current, "session": session, "rows": rows}


def judge(role, seen):
    """'ok', or what was wrong with what a role's transaction saw."""
    rows = seen["rows"]
    if role in ACCOUNT_OF:
        if len(rows) != 10:
            return "%d rows" % len(rows)
        for account, email in rows:
            if account != ACCOUNT_OF[role] or "***" in email or not email.startswith("a%d." % account):
                return "saw %s of account %s" % (email, account)
    elif role == "support":
        if len(rows) != 20 or any("***@" not in email for _, email in rows):
            return "not 20 masks: %r" % rows[:3]
    elif rows:  # the login itself: no grant
        return "%d rows" % len(rows)
    return "ok"


def run_clients(clients):
    """clients: (name, connection, role) each running ROUNDS transactions at once."""
    results = {name: [] for name, _, _ in clients}
    barrier = threading.Barrier(len(clients))

    def work(name, conn, role):
        for _ in range(ROUNDS):
            barrier.wait()
            try:
                results[name].append(transaction(conn, role))
            except Exception as error:  # reported, not raised: the test says which client
                results[name].append({"error": str(error).splitlines()[0], "pid": None, "current": None,
                                      "session": None, "rows": []})

    threads = [threading.Thread(target=work, args=client) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def report(prefix, clients, results):
    for name, _, role in clients:
        verdicts = sorted({seen.get("error") or judge(role, seen) for seen in results[name]})
        print("%s_%s_sees=%s" % (prefix, name, ",".join(verdicts)))
        print("%s_%s_runs_as=%s" % (prefix, name, ",".join(sorted({"%s/%s" % (s["session"], s["current"])
                                                                    for s in results[name]}))))
    pids = {seen["pid"] for name in results for seen in results[name]}
    print("%s_server_connections=%d" % (prefix, len(pids)))
    return pids


def shared(port):
    clients = [(name, connect(port, "app", application_name="client-" + name), role)
               for name, role in (("alice", "alice"), ("bob", "bob"), ("support", "support"), ("app", None))]
    report("shared", clients, run_clients(clients))


def per_role(port):
    clients = [("%s%d" % (role, i), connect(port, role), role) for role in ("alice", "bob") for i in (1, 2)]
    results = run_clients(clients)
    report("per_role", clients, results)
    for role in ("alice", "bob"):
        pids = {seen["pid"] for name in results if name.startswith(role) for seen in results[name]}
        print("per_role_%s_server_connections=%d" % (role, len(pids)))


def hazard(port):
    first, second = connect(port, "app"), connect(port, "app")
    with first.transaction():
        first.execute("SET ROLE alice")  # session-level: outlives the transaction
    print("hazard_next_runs_as=%s" % second.execute("SELECT current_user").fetchone()[0])
    rows = second.execute("SELECT email::text FROM subs WHERE account_id = 1 ORDER BY id LIMIT 1").fetchall()
    print("hazard_next_sees=%s" % (rows[0][0] if rows else "nothing"))


def prepared(port):
    for label, threshold in (("default", 5), ("off", None)):
        conns = [psycopg.connect(host="127.0.0.1", port=port, user="alice", dbname="esp", autocommit=True,
                                 prepare_threshold=threshold) for _ in range(2)]
        try:
            for _ in range(8):
                for conn in conns:
                    conn.execute("SELECT id FROM subs WHERE email = %s", ("A1.1@example.com",)).fetchone()
            print("prepared_%s=ok" % label)
        except psycopg.Error as error:
            print("prepared_%s=%s" % (label, type(error).__name__))
        for conn in conns:
            conn.close()


def networks(port):
    for dbname in ("esp", "esp_tcp"):
        with connect(port, "netrole", dbname) as conn:
            email = conn.execute("SELECT email::text FROM subs WHERE id = 1").fetchone()[0]
            addr = conn.execute("SELECT coalesce(host(inet_client_addr()), 'local')").fetchone()[0]
            print("networks_%s=%s via %s" % (dbname, email, addr))


if __name__ == "__main__":
    port, scenario = int(sys.argv[1]), sys.argv[2]
    {"shared": shared, "per_role": per_role, "hazard": hazard, "prepared": prepared, "networks": networks}[scenario](port)
