#!/usr/bin/python3
"""One live backend acting for a principal while another session changes
what it may do (sql/principals.sql): prints what the live backend reads
after each change. Connects as libpq's environment says (pg_regress's)."""
import os
import subprocess
import sys

import psycopg

HERE = os.path.dirname(os.path.abspath(__file__))


def assertion(principal, key="webapp"):
    return subprocess.run([os.path.join(HERE, "assert"), key, principal], check=True,
                          capture_output=True, text=True).stdout.strip()


def clear_rows(conn, principal, key="webapp"):
    """Rows the backend reads in clear acting for the principal, or the error."""
    try:
        with conn.transaction():
            conn.execute("SELECT listguard.act_as(%s)", [assertion(principal, key)])
            return conn.execute("SELECT count(*) FROM pr_subs WHERE email::text NOT LIKE '%%***%%'").fetchone()[0]
    except psycopg.Error as e:
        return f"refused ({e.sqlstate})"


def dropped_key(principal):
    """A second key of the web app, used by the live backend, then dropped by
    an administrator's fresh session that never used principals."""
    live = psycopg.connect("dbname=contrib_regression", autocommit=True)
    live.execute("SET ROLE pr_webapp")
    with open(os.path.join(HERE, "other.pub")) as f:
        pem = f.read()
    admin = psycopg.connect("dbname=contrib_regression", autocommit=True)
    kid = admin.execute("SELECT listguard.add_application('pr_webapp', %s)", [pem]).fetchone()[0]
    admin.close()
    print("with the second key:", clear_rows(live, principal, "other"))
    admin = psycopg.connect("dbname=contrib_regression", autocommit=True)
    admin.execute("SELECT listguard.drop_application('pr_webapp', %s)", [kid])
    print("after the second key was dropped, same backend:", clear_rows(live, principal, "other"))
    print("the first key still:", clear_rows(live, principal))


def main():
    if sys.argv[1] == "--dropped-key":
        dropped_key(sys.argv[2])
        return
    name = sys.argv[1]
    principal = f"acme:{name}"
    live = psycopg.connect("dbname=contrib_regression", autocommit=True)
    admin = psycopg.connect("dbname=contrib_regression", autocommit=True)
    live.execute("SET ROLE pr_webapp")
    print("before the revocation:", clear_rows(live, principal))
    admin.execute("SELECT listguard.revoke_access(id) FROM listguard.grants "
                  "WHERE principal = (SELECT id FROM listguard.principals WHERE name = %s)", [principal])
    print("after the revocation, same backend:", clear_rows(live, principal))
    admin.execute("SELECT listguard.drop_principal(%s)", [principal])
    print("after the principal was dropped, same backend:", clear_rows(live, principal))


main()
