"""psycopg2: register_email() typecasters, arrays, and Email parameters."""

import unittest

import psycopg2

from listguard import Email, MaskedEmail, PseudonymEmail, SealedEmail
from listguard.psycopg2 import register_email

import server

TABLE = "py_psycopg2_subs"
EXPECTED = {"lg_masked": MaskedEmail, "lg_pseudo": PseudonymEmail, "lg_sealed": SealedEmail, "lg_clear": Email}


def setUpModule():
    server.make_table(TABLE)


def connect(role, autocommit=True):
    conn = psycopg2.connect(server.conninfo(role))
    conn.autocommit = autocommit
    return conn


def one(conn, sql, params=()):
    with conn.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchone()[0]


class Psycopg2Test(unittest.TestCase):
    def test_results(self):
        """each role's value comes back as its class"""
        for role, cls in EXPECTED.items():
            with self.subTest(role=role):
                conn = connect(role)
                try:
                    self.assertIs(type(one(conn, "SELECT email FROM %s WHERE id = 1" % TABLE)), str)
                    register_email(conn)
                    value = one(conn, "SELECT email FROM %s WHERE id = %%s" % TABLE, (server.JANE_ID,))
                    self.assertIs(type(value), cls)
                    values = one(conn, "SELECT array_agg(email ORDER BY id) FROM %s WHERE id IN (1, 2)" % TABLE)
                    self.assertEqual([type(v) for v in values], [cls, cls])
                finally:
                    conn.close()

    def test_registration_leaves_no_transaction_open(self):
        """register_email() on a connection outside autocommit leaves it idle"""
        conn = connect("lg_masked", autocommit=False)
        try:
            register_email(conn)
            self.assertEqual(conn.status, psycopg2.extensions.STATUS_READY)
            cur = conn.cursor()
            register_email(cur)
            cur.execute("SELECT email FROM %s WHERE id = 1" % TABLE)
            self.assertIs(type(cur.fetchone()[0]), MaskedEmail)
        finally:
            conn.close()

    def test_email_parameters(self):
        """Email parameters are literals of the type; lists of them are arrays of it"""
        conn = connect("lg_masked")
        try:
            register_email(conn)
            with conn.cursor() as cur:
                self.assertEqual(cur.mogrify("%s", (Email("x@example.com"),)), b"'x@example.com'::listguard.email")
                cur.execute("SET enable_seqscan = off")
                for where, param in (
                    ("email = %s", "JANE.DOE@example.com"),
                    ("email = %s", Email("jane.doe@example.com")),
                    ("email = ANY(%s)", [Email("jane.doe@example.com"), Email("nobody@example.com")]),
                ):
                    with self.subTest(where=where):
                        sql = "SELECT id FROM %s WHERE %s" % (TABLE, where)
                        cur.execute(sql, (param,))
                        self.assertEqual(cur.fetchall(), [(server.JANE_ID,)])
                        cur.execute("EXPLAIN (COSTS OFF) " + sql, (param,))
                        plan = [r[0] for r in cur.fetchall()]
                        self.assertTrue(server.uses_index(plan), plan)
        finally:
            conn.close()


if __name__ == "__main__":
    unittest.main()
