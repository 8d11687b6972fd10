"""Write-backs through parameters, as drivers send them: text and binary,
custom and generic plans; and the uses of a mask parameter the database
refuses (docs/concepts.md, "Writing back what was read")."""

import unittest

import psycopg

from listguard.psycopg import register_email

import server

TABLE = "py_write_back_subs"
MASK = "J***@Example.com"


def setUpModule():
    server.make_table(TABLE)
    with server.connect() as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS py_write_back_copies (email listguard.email)")
        conn.execute("GRANT INSERT ON py_write_back_copies TO lg_masked")
        conn.execute(
            """CREATE OR REPLACE FUNCTION py_write_back_keep(e listguard.email) RETURNS boolean
               LANGUAGE plpgsql SET search_path = public, pg_catalog AS $$
               BEGIN INSERT INTO py_write_back_copies VALUES (e); RETURN true; END $$"""
        )
        conn.execute(
            """CREATE OR REPLACE PROCEDURE py_write_back_later(e anyelement)
               LANGUAGE plpgsql SET search_path = public, pg_catalog AS $$
               BEGIN COMMIT; INSERT INTO py_write_back_copies VALUES (e); END $$"""
        )


def refused(test, conn, sql, params):
    with test.assertRaises(psycopg.errors.InvalidTextRepresentation) as caught:
        conn.execute(sql, params)
    test.assertIn("shape of a listguard mask", caught.exception.diag.message_detail)
    conn.rollback()


class WriteBackTest(unittest.TestCase):
    def tearDown(self):
        self.assertTrue(server.stored_address_is(TABLE, server.JANE_ID, server.JANE))
        self.assertEqual(server.admin_value("SELECT count(*) FROM py_write_back_copies"), 0)

    def test_parameters_in_every_form_and_plan(self):
        """a mask parameter, text or binary, typed or text, in custom and generic plans, keeps the address"""
        update = "UPDATE %s SET name = %%s, email = %%s WHERE id = %%s" % TABLE
        with server.connect("lg_masked", autocommit=True) as conn:
            register_email(conn)
            for binary in (False, True):
                for plan in ("force_custom_plan", "force_generic_plan"):
                    with self.subTest(binary=binary, plan=plan):
                        conn.execute("SET plan_cache_mode = %s" % plan)
                        cur = conn.cursor(binary=binary)
                        mask = cur.execute("SELECT email FROM %s WHERE id = %%s" % TABLE, (server.JANE_ID,)).fetchone()[0]
                        self.assertEqual(mask, MASK)
                        # Prepared: the same statement runs again with new parameters.
                        for run in range(3):
                            cur.execute(update, ("Jane %d" % run, mask, server.JANE_ID), prepare=True)
                            self.assertEqual(cur.rowcount, 1)
                        # As text, the way JDBC's setString sends it.
                        cur.execute("UPDATE %s SET email = %%s::text WHERE id = %%s" % TABLE, (str(mask), server.JANE_ID))
            conn.execute("RESET plan_cache_mode")

    def test_another_rows_mask_is_refused(self):
        """the mask of another address is refused, in both plans"""
        with server.connect("lg_masked") as conn:
            register_email(conn)
            for plan in ("force_custom_plan", "force_generic_plan"):
                with self.subTest(plan=plan):
                    conn.execute("SET plan_cache_mode = %s" % plan)
                    refused(self, conn, "UPDATE %s SET email = %%s WHERE id = %%s" % TABLE,
                            ("j***@example.com", server.JANE_ID))

    def test_mask_parameters_used_elsewhere_are_refused(self):
        """a mask parameter used anywhere but as the new value is refused before the statement runs"""
        statements = [
            # also compared, also passed to a function that stores its argument
            ("UPDATE {t} SET email = %s WHERE id = %s AND email = %s", (MASK, server.JANE_ID, MASK)),
            ("UPDATE {t} SET email = %s WHERE py_write_back_keep(%s)", (MASK, MASK)),
            ("UPDATE {t} SET name = 'x' WHERE py_write_back_keep(%s)", (MASK,)),
            ("UPDATE {t} SET email = greatest(%s::listguard.email, email) WHERE id = %s", (MASK, server.JANE_ID)),
            ("INSERT INTO py_write_back_copies VALUES (%s)", (MASK,)),
            ("SELECT py_write_back_keep(%s)", (MASK,)),
            ("WITH c AS (INSERT INTO py_write_back_copies VALUES (%s) RETURNING 1) "
             "UPDATE {t} SET name = 'x' WHERE id = %s", (MASK, server.JANE_ID)),
            ("UPDATE {t} SET email = %s, name = py_write_back_keep(%s)::text WHERE id = %s",
             (MASK, MASK, server.JANE_ID)),
        ]
        with server.connect("lg_masked") as conn:
            for plan in ("force_custom_plan", "force_generic_plan"):
                for sql, params in statements:
                    with self.subTest(plan=plan, sql=sql):
                        conn.execute("SET plan_cache_mode = %s" % plan)
                        # Parameters untyped: the server types them as the type.
                        with self.assertRaises(psycopg.errors.InvalidTextRepresentation):
                            conn.execute(sql.format(t=TABLE), params, prepare=True)
                        conn.rollback()


    def test_utility_statements_take_no_mask_parameter(self):
        """a mask parameter of CALL (whose procedure commits, then stores it) is refused before it runs"""
        with server.connect("lg_masked", autocommit=True) as conn:
            with self.assertRaises(psycopg.errors.InvalidTextRepresentation):
                conn.execute("CALL py_write_back_later(%s::listguard.email)", (MASK,))


if __name__ == "__main__":
    unittest.main()
