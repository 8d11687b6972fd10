"""Lookups by address with the default parameter types of psycopg 2 and 3.

psycopg 2 interpolates parameters into the query text (unknown literals);
psycopg 3 sends server-side parameters, typed text when binary (%b), and
lets the server infer them with %s. Each lookup must find the row, and the
plan must use the index. Prints one "name result plan" line per case.
"""
import os
import sys

import psycopg
import psycopg2

ADDRESS = "Driver.Lookup@Example.com"
QUERY = "SELECT id FROM driver_subs WHERE email = {}"
EXPLAIN = "EXPLAIN (COSTS OFF) " + QUERY


def plan_uses_index(rows):
    return any("Index" in row[0] for row in rows)


def main():
    dsn = os.environ.get("DRIVER_DSN", "")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET enable_seqscan = off")
        for name, marker in (("psycopg3 %s", "%s"), ("psycopg3 %b (binary text)", "%b"), ("psycopg3 %t (text)", "%t")):
            row = conn.execute(QUERY.format(marker), (ADDRESS.upper(),)).fetchone()
            plan = conn.execute(EXPLAIN.format(marker), (ADDRESS,)).fetchall()
            print(f"{name}|{row[0] if row else None}|{plan_uses_index(plan)}")
    conn2 = psycopg2.connect(dsn)
    conn2.autocommit = True
    cur = conn2.cursor()
    cur.execute("SET enable_seqscan = off")
    cur.execute(QUERY.format("%s"), (ADDRESS.lower(),))
    row = cur.fetchone()
    cur.execute(EXPLAIN.format("%s"), (ADDRESS,))
    print(f"psycopg2 %s|{row[0] if row else None}|{plan_uses_index(cur.fetchall())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
