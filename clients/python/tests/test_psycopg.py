"""psycopg 3: register_email() for text and binary results, arrays, parameters."""

import asyncio
import unittest

import psycopg

from listguard import Email, MaskedEmail, PseudonymEmail, SealedEmail
from listguard.psycopg import register_email, register_email_async

import server

TABLE = "py_psycopg3_subs"
EXPECTED = {"lg_masked": MaskedEmail, "lg_pseudo": PseudonymEmail, "lg_sealed": SealedEmail, "lg_clear": Email}


def setUpModule():
    server.make_table(TABLE)


class Psycopg3Test(unittest.TestCase):
    def test_without_registration_binary_gives_bytes(self):
        """(the starting point) unregistered, binary results are bytes"""
        with server.connect("lg_masked") as conn:
            value = conn.cursor(binary=True).execute("SELECT email FROM %s WHERE id = %%s" % TABLE, (server.JANE_ID,)).fetchone()[0]
            self.assertIsInstance(value, bytes)

    def test_text_and_binary_results(self):
        """each role's value comes back as its class, in text and in binary"""
        for role, cls in EXPECTED.items():
            with server.connect(role) as conn:
                register_email(conn)
                for binary in (False, True):
                    with self.subTest(role=role, binary=binary):
                        cur = conn.cursor(binary=binary)
                        value = cur.execute("SELECT email FROM %s WHERE id = %%s" % TABLE, (server.JANE_ID,)).fetchone()[0]
                        self.assertIs(type(value), cls)
                        if cls is Email:
                            self.assertEqual(value, server.JANE)
                        elif cls is MaskedEmail:
                            self.assertEqual(value, "J***@Example.com")

    def test_arrays(self):
        """arrays of the type load element by element, in both formats"""
        with server.connect("lg_masked") as conn:
            register_email(conn)
            for binary in (False, True):
                with self.subTest(binary=binary):
                    values = conn.cursor(binary=binary).execute(
                        "SELECT array_agg(email ORDER BY id) FROM %s WHERE id IN (1, 2, %%s)" % TABLE, (server.JANE_ID,)
                    ).fetchone()[0]
                    self.assertEqual([type(v) for v in values], [MaskedEmail] * 3)
                    self.assertEqual(values[2], "J***@Example.com")

    def test_async_connections(self):
        """register_email_async() registers the type on an AsyncConnection"""

        async def read():
            conn = await psycopg.AsyncConnection.connect(server.conninfo("lg_pseudo"), autocommit=True)
            async with conn:
                await register_email_async(conn)
                cur = await conn.cursor(binary=True).execute("SELECT email FROM %s WHERE id = 1" % TABLE)
                return (await cur.fetchone())[0]

        self.assertIs(type(asyncio.run(read())), PseudonymEmail)

    def test_registering_on_a_cursor(self):
        """register_email() on a cursor affects that cursor only"""
        with server.connect("lg_masked") as conn:
            cur = conn.cursor(binary=True)
            register_email(cur)
            sql = "SELECT email FROM %s WHERE id = 1" % TABLE
            self.assertIs(type(cur.execute(sql).fetchone()[0]), MaskedEmail)
            self.assertIsInstance(conn.cursor(binary=True).execute(sql).fetchone()[0], bytes)

    def test_registration_leaves_the_transaction_as_it_was(self):
        """register_email() in or out of a transaction changes neither"""
        with server.connect("lg_masked", autocommit=False) as conn:
            register_email(conn)
            self.assertEqual(conn.info.transaction_status, psycopg.pq.TransactionStatus.IDLE)
            conn.execute("SELECT 1")
            register_email(conn)
            self.assertEqual(conn.info.transaction_status, psycopg.pq.TransactionStatus.INTRANS)

    def test_email_parameters_are_typed(self):
        """an Email parameter is sent as listguard.email, text or binary"""
        with server.connect("lg_masked") as conn:
            register_email(conn)
            for marker in ("%s", "%t", "%b"):
                with self.subTest(marker=marker):
                    typ = conn.execute("SELECT pg_typeof(%s)::text" % marker, (Email("x@example.com"),)).fetchone()[0]
                    self.assertEqual(typ, "listguard.email")
            # A plain str keeps psycopg's default: untyped, so the server infers its type.
            self.assertEqual(conn.execute("SELECT pg_typeof(%s::text)::text", ("x@example.com",)).fetchone()[0], "text")
            self.assertEqual(conn.execute("SELECT %s = email FROM " + TABLE + " WHERE id = 1", ("FILLER1@example.com",)).fetchone()[0], True)

    def test_lookups_by_a_masked_role_use_the_index(self):
        """a masked role finds a row by address, by one or by a list of them, with an index"""
        with server.connect("lg_masked") as conn:
            register_email(conn)
            conn.execute("SET enable_seqscan = off")
            cases = (
                ("email = %s", Email("JANE.DOE@example.com")),
                ("email = %s", "jane.doe@EXAMPLE.COM"),
                ("email = ANY(%s)", [Email("jane.doe@example.com"), Email("nobody@example.com")]),
            )
            for where, param in cases:
                with self.subTest(where=where, param=param):
                    sql = "SELECT id FROM %s WHERE %s" % (TABLE, where)
                    self.assertEqual(conn.execute(sql, (param,)).fetchall(), [(server.JANE_ID,)])
                    plan = [r[0] for r in conn.execute("EXPLAIN (COSTS OFF) " + sql, (param,))]
                    self.assertTrue(server.uses_index(plan), plan)

    def test_prepared_inserts_with_parameters(self):
        """an INSERT with an address parameter works on every run once psycopg prepares it"""
        with server.connect("lg_masked") as conn:
            register_email(conn)
            conn.prepare_threshold = 2
            for i in range(8):
                param = Email("prepared%d@example.com" % i) if i % 2 else "prepared%d@example.com" % i
                conn.execute("INSERT INTO %s (account_id, list_id, name, email) VALUES (1, 10, 'p', %%s)" % TABLE, (param,))
            count = server.admin_value("SELECT count(*) FROM %s WHERE name = 'p'" % TABLE)
            self.assertEqual(count, 8)

    def test_sealed_token_round_trip(self):
        """a sealed role copies a value by its token; a clear role reads the copy"""
        with server.connect("lg_sealed") as conn:
            register_email(conn)
            token = conn.execute("SELECT email FROM %s WHERE id = %%s" % TABLE, (server.JANE_ID,)).fetchone()[0]
            self.assertIs(type(token), SealedEmail)
            new_id = conn.execute(
                "INSERT INTO %s (account_id, list_id, name, email) VALUES (1, 10, 'copy', %%s) RETURNING id" % TABLE,
                (token,),
            ).fetchone()[0]
            found = conn.execute("SELECT id FROM %s WHERE email = %%s ORDER BY id" % TABLE, (token,)).fetchall()
            self.assertEqual(found, [(server.JANE_ID,), (new_id,)])
        with server.connect("lg_clear") as conn:
            register_email(conn)
            self.assertEqual(conn.execute("SELECT email FROM %s WHERE id = %%s" % TABLE, (new_id,)).fetchone()[0], server.JANE)

    def test_full_row_write_back(self):
        """a full-row UPDATE of the values read keeps the address"""
        for role in ("lg_masked", "lg_pseudo", "lg_sealed"):
            with self.subTest(role=role), server.connect(role) as conn:
                register_email(conn)
                row = conn.execute(
                    "SELECT id, account_id, list_id, name, email FROM %s WHERE id = %%s" % TABLE, (server.JANE_ID,)
                ).fetchone()
                conn.execute(
                    "UPDATE %s SET account_id = %%s, list_id = %%s, name = %%s, email = %%s WHERE id = %%s" % TABLE,
                    (row[1], row[2], "Jane by " + role, row[4], row[0]),
                )
                self.assertTrue(server.stored_address_is(TABLE, server.JANE_ID, server.JANE))


if __name__ == "__main__":
    unittest.main()
