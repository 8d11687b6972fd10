"""The server the tests run against, and the roles they read as.

run-tests starts a throwaway server with listguard preloaded and exports
PGHOST, PGPORT and PGDATABASE (libpq's variables); the tests connect as
the superuser ``postgres`` to set up, and as one login role per reveal
level to read and write:

    lg_masked   masked,    account 1, may write
    lg_pseudo   pseudonym, account 1, may write
    lg_sealed   sealed,    account 1, may write
    lg_clear    clear,     account 1, may write, quota 100000/day

Each test module makes its own protected table with ``make_table``: 2000
filler rows and Jane.Doe@Example.com (id 7777) in account 1, list 10, an
index on the address, privileges for the four roles.
"""

import psycopg

ADMIN = "postgres"
ROLES = {
    "lg_masked": "reveal => 'masked'",
    "lg_pseudo": "reveal => 'pseudonym'",
    "lg_sealed": "reveal => 'sealed'",
    "lg_clear": "reveal => 'clear', quota => '100000/day'",
}
JANE = "Jane.Doe@Example.com"
JANE_ID = 7777


def conninfo(user=ADMIN):
    return psycopg.conninfo.make_conninfo("", user=user)


def connect(user=ADMIN, **kwargs):
    kwargs.setdefault("autocommit", True)
    return psycopg.connect(conninfo(user), **kwargs)


def ensure_roles():
    """Creates the extension, the roles and their grants, once per database."""
    with connect() as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS listguard")
        for role, grant in ROLES.items():
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone():
                continue
            conn.execute('CREATE ROLE "%s" LOGIN' % role)
            conn.execute(
                "SELECT listguard.grant_access(%%s::regrole, 1, can_write => true, %s)" % grant, (role,)
            )


def make_table(name, extra_columns=""):
    """A protected table of subscribers, filled as the module docstring says."""
    ensure_roles()
    with connect() as conn:
        conn.execute("DROP TABLE IF EXISTS %s" % name)
        conn.execute(
            "CREATE TABLE %s (id bigserial PRIMARY KEY, account_id bigint NOT NULL, list_id bigint NOT NULL, "
            "name text, email listguard.email%s)" % (name, extra_columns)
        )
        conn.execute("CREATE INDEX ON %s (email)" % name)
        conn.execute(
            "INSERT INTO %s (id, account_id, list_id, name, email) "
            "SELECT g, 1, 10, 'filler ' || g, 'filler' || g || '@example.com' FROM generate_series(1, 2000) g" % name
        )
        conn.execute(
            "INSERT INTO %s (id, account_id, list_id, name, email) VALUES (%%s, 1, 10, 'Jane', %%s)" % name,
            (JANE_ID, JANE),
        )
        conn.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), 10000)", (name,))
        protect(conn, name)
        conn.execute("ANALYZE %s" % name)


def protect(conn, name):
    conn.execute("SELECT listguard.protect(%s, 'account_id', 'list_id')", (name,))
    roles = ", ".join(ROLES)
    conn.execute("GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %s" % (name, roles))
    conn.execute("GRANT USAGE ON SEQUENCE %s TO %s" % (name + "_id_seq", roles))


def admin_value(sql, params=()):
    with connect() as conn:
        row = conn.execute(sql, params).fetchone()
        return row[0] if row else None


def quota_used(role="lg_clear"):
    """Clear values charged to the role's grant in the current window."""
    return admin_value("SELECT coalesce(sum(used), 0) FROM listguard.quota_usage WHERE role = %s::regrole", (role,))


def stored_address_is(table, row_id, address):
    """Does the row still hold this address? (Compared by digest: nothing revealed.)"""
    return bool(admin_value("SELECT count(*) FROM %s WHERE id = %%s AND email = %%s" % table, (row_id, address)))


def uses_index(plan_lines):
    return any("Index" in line for line in plan_lines)
