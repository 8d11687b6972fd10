#!/usr/bin/python3
"""A small web app that acts for its users through listguard principals.

The app connects as one role (webapp) through pgbouncer in transaction
mode. For each request it opens a transaction and proves to the database
who the request is for: an assertion (a JWT signed with the app's Ed25519
key, PyJWT) passed to listguard.act_as() as a bound parameter. The database
checks it and, until the transaction ends, shows that person's rights only
(cut down to the app's own grants), charges their quota and names them in
its audit trail.

    app.py keygen KEYFILE              write a private key, print its public key
    app.py assert USER --key KEYFILE   print an assertion for USER (for psql)
    app.py demo --dsn DSN --key KEYFILE --admin-dsn DSN
    app.py check --dsn DSN --key KEYFILE --admin-dsn DSN   (the cluster test)
"""
import argparse
import contextlib
import json
import sys
import time
import uuid

import jwt
import psycopg
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


class App:
    def __init__(self, dsn, key_file, audience):
        with open(key_file, "rb") as f:
            self.key = serialization.load_pem_private_key(f.read(), password=None)
        self.audience = audience
        # pgbouncer in transaction mode keeps no server-side prepared
        # statement between transactions: psycopg must not prepare.
        self.conn = psycopg.connect(dsn, autocommit=True, prepare_threshold=None)

    def assertion(self, user, lifetime=60):
        now = int(time.time())
        claims = {"sub": user, "aud": self.audience, "iat": now, "exp": now + lifetime, "jti": str(uuid.uuid4())}
        return jwt.encode(claims, self.key, algorithm="EdDSA", headers={"typ": "JWT"})

    @contextlib.contextmanager
    def acting_for(self, user):
        """A transaction in which the database acts for `user`."""
        with self.conn.transaction():
            with self.conn.cursor() as cur:
                # A bound parameter: the assertion is never in the query
                # text that pg_stat_activity shows to the app's other sessions.
                cur.execute("SELECT listguard.act_as(%s)", (self.assertion(user),))
                yield cur

    # What the app's pages do.
    def export_list(self, user, list_id):
        with self.acting_for(user) as cur:
            cur.execute("SELECT email::text FROM subscribers WHERE list_id = %s ORDER BY id", (list_id,))
            return [r[0] for r in cur.fetchall()]

    def lookup(self, user, address):
        with self.acting_for(user) as cur:
            cur.execute("SELECT id, account_id, email::text FROM subscribers WHERE email = %s", (address,))
            return cur.fetchall()

    def backend_pid(self, user=None):
        if user is None:
            with self.conn.transaction(), self.conn.cursor() as cur:
                cur.execute("SELECT pg_backend_pid(), listguard.current_principal()")
                return cur.fetchone()
        with self.acting_for(user) as cur:
            cur.execute("SELECT pg_backend_pid(), listguard.current_principal()")
            return cur.fetchone()


def error_of(fn):
    """(SQLSTATE, message) of what fn raises, or None."""
    try:
        fn()
    except psycopg.Error as e:
        return (e.sqlstate, e.diag.message_primary)
    return None


def keygen(path):
    key = Ed25519PrivateKey.generate()
    with open(path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    sys.stdout.write(key.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo).decode())


def masked(address):
    return "***@" in address


def run(args, report):
    app = App(args.dsn, args.key, args.audience)
    other = App(args.dsn, args.key, args.audience)  # a second client of the pool

    alice = app.export_list("acme:alice", 10)
    report("alice_export", len(alice), sum(not masked(a) for a in alice), alice[:2])
    carol = app.export_list("globex:carol", 20)
    report("carol_export", len(carol), sum(not masked(a) for a in carol), carol[:2])
    alice_other = app.export_list("acme:alice", 20)
    report("alice_reads_globex", len(alice_other))
    sam = app.lookup("esp:sam", "reader7@acme-news.example")
    report("sam_lookup", len(sam), sam[0][2] if sam else None)

    # Without a principal the app sees masks only, on the same pooled
    # server connection that just acted for alice.
    pid_alice, who = app.backend_pid("acme:alice")
    pid_next, nobody = other.backend_pid()
    with other.conn.transaction(), other.conn.cursor() as cur:
        cur.execute("SELECT count(*) FILTER (WHERE email::text NOT LIKE '%***%'), count(*) FROM subscribers")
        clear, total = cur.fetchone()
    report("after_alice", who, nobody, pid_alice == pid_next, clear, total)

    # Alice's quota (60/hour): she read 50, the next export fails.
    report("alice_over_quota", error_of(lambda: app.export_list("acme:alice", 10)))

    # SQL injected into the app runs as webapp but holds no assertion of
    # alice's: replaying one she used, forging her name, or setting it fail.
    used = app.assertion("acme:alice")
    with app.conn.transaction(), app.conn.cursor() as cur:
        cur.execute("SELECT listguard.act_as(%s)", (used,))
    report("replay", error_of(lambda: app.conn.execute("SELECT listguard.act_as(%s)", (used,))))
    forged = jwt.encode({"sub": "acme:alice", "aud": args.audience, "iat": int(time.time()),
                         "exp": int(time.time()) + 60, "jti": "x"}, Ed25519PrivateKey.generate(), algorithm="EdDSA")
    report("forged", error_of(lambda: app.conn.execute("SELECT listguard.act_as(%s)", (forged,))))
    report("set_principal", error_of(lambda: app.conn.execute("SET listguard.principal = 'acme:alice'")))
    long_lived = jwt.encode({"sub": "acme:alice", "aud": args.audience, "iat": int(time.time()),
                             "exp": int(time.time()) + 3600, "jti": str(uuid.uuid4())}, app.key, algorithm="EdDSA")
    report("long_lived", error_of(lambda: app.conn.execute("SELECT listguard.act_as(%s)", (long_lived,))))

    # What the audit trail says, per person (an administrator's view).
    with psycopg.connect(args.admin_dsn, autocommit=True) as admin:
        for _ in range(100):
            if admin.execute("SELECT listguard.audit_pending()").fetchone()[0] == 0:
                break
            time.sleep(0.05)
        for person in ("acme:alice", "globex:carol", "esp:sam"):
            rows = admin.execute(
                "SELECT kind, coalesce(sum((counts->>'clear')::bigint), 0), count(*) "
                "FROM listguard.audit_for(principal => %s) GROUP BY kind ORDER BY kind", (person,)).fetchall()
            report("audit", person, {k: [int(c), int(n)] for k, c, n in rows})
        usage = admin.execute("SELECT principal, used FROM listguard.quota_usage WHERE principal IS NOT NULL "
                              "ORDER BY principal").fetchall()
        report("quota_usage", {p: int(u) for p, u in usage})
        denied = admin.execute("SELECT detail->>'reason', count(*) FROM listguard.audit_log WHERE kind = 'denied' "
                               "AND detail->>'action' = 'act_as' GROUP BY 1 ORDER BY 1").fetchall()
        report("denied", {r: int(n) for r, n in denied})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["keygen", "assert", "demo", "check"])
    parser.add_argument("keyfile", nargs="?", help="keygen: where to write the key; assert: the user")
    parser.add_argument("--dsn", help="the app's connection (through pgbouncer)")
    parser.add_argument("--admin-dsn", help="an administrator's connection")
    parser.add_argument("--key", help="the app's private key (PEM)")
    parser.add_argument("--audience", default="esp", help="the database's name, or listguard.audience")
    args = parser.parse_args()
    if args.command == "keygen":
        keygen(args.keyfile)
        return
    if args.command == "assert":
        with open(args.key, "rb") as f:
            key = serialization.load_pem_private_key(f.read(), password=None)
        now = int(time.time())
        print(jwt.encode({"sub": args.keyfile, "aud": args.audience, "iat": now, "exp": now + 120,
                          "jti": str(uuid.uuid4())}, key, algorithm="EdDSA"))
        return
    if args.command == "check":
        run(args, lambda name, *values: print(json.dumps([name, *values])))
        return
    titles = {
        "alice_export": "alice (Acme) exports her list 10: rows, clear, first two",
        "carol_export": "carol (Globex) exports her list 20: rows, clear, first two",
        "alice_reads_globex": "alice asks for Globex's list 20: rows",
        "sam_lookup": "sam (support) looks a subscriber up by address: rows, what he sees",
        "after_alice": "next client on the same pooled connection, no principal: "
                       "alice was in force, now, same backend, clear rows, rows",
        "alice_over_quota": "alice exports again (60/hour)",
        "replay": "injected SQL replays an assertion alice used",
        "forged": "injected SQL signs alice's name with a key of its own",
        "set_principal": "injected SQL sets the principal",
        "long_lived": "an assertion valid for an hour",
        "audit": "audit trail of",
        "quota_usage": "quota used per principal",
        "denied": "refused act_as() calls in the audit trail",
    }
    run(args, lambda name, *values: print(f"{titles[name]}:\n    {values if len(values) > 1 else values[0]}"))


if __name__ == "__main__":
    main()
