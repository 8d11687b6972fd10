"""psycopg2: load ``listguard.email`` values as ``listguard.Email`` objects.

>>> import psycopg2
>>> from listguard.psycopg2 import register_email
>>> conn = psycopg2.connect("")
>>> register_email(conn)
>>> cur = conn.cursor(); cur.execute("SELECT email FROM subscribers"); cur.fetchone()[0]
MaskedEmail('j***@example.com')

psycopg2 receives every result as text; without this it returns the type's
values as plain ``str``. With it they are ``Email`` (clear) or
``MaskedEmail``/``PseudonymEmail``/``SealedEmail``, in arrays too, and
``Email`` objects passed as parameters are quoted as ``'...'::listguard.email``
(so a list of them is a ``listguard.email[]``). Plain ``str`` parameters are
unchanged: psycopg2 quotes them as untyped literals, which the server
converts for ``email = %s`` and inserts.
"""

import psycopg2
import psycopg2.extensions as ext

from . import TYPE_NAME, Email, classify

__all__ = ["register_email"]


class _EmailAdapter:
    """Quotes an ``Email`` as a literal of the type."""

    def __init__(self, value):
        self._quoted = ext.QuotedString(str(value))

    def prepare(self, conn):
        self._quoted.prepare(conn)

    def getquoted(self):
        return self._quoted.getquoted() + b"::" + TYPE_NAME.encode("ascii")


def _cast(value, cursor):
    return None if value is None else classify(value)


def register_email(conn_or_curs, globally=False):
    """Registers the type's typecasters on a connection or cursor.

    Looks up the OIDs of ``listguard.email`` and its array type (one
    catalog query; a transaction it had to open is rolled back, as
    psycopg2's own ``register_hstore`` does) and returns them. With
    ``globally=True`` the typecasters apply to every connection. The adapter
    for ``Email`` parameters is global, as psycopg2's adapters are.
    """
    conn = conn_or_curs.connection if hasattr(conn_or_curs, "connection") else conn_or_curs
    status = conn.status
    cur = conn.cursor()
    try:
        cur.execute(
            "SELECT t.oid, t.typarray FROM pg_catalog.pg_type t "
            "WHERE t.oid = pg_catalog.to_regtype(%s)",
            (TYPE_NAME,),
        )
        row = cur.fetchone()
    finally:
        cur.close()
        if status == ext.STATUS_READY and not conn.autocommit and conn.status != ext.STATUS_READY:
            conn.rollback()
    if row is None:
        raise psycopg2.ProgrammingError(
            "type %s does not exist: CREATE EXTENSION listguard in this database first" % TYPE_NAME
        )
    oid, array_oid = row
    email_type = ext.new_type((oid,), "LISTGUARD_EMAIL", _cast)
    array_type = ext.new_array_type((array_oid,), "LISTGUARD_EMAIL[]", email_type)
    scope = None if globally else conn_or_curs
    ext.register_type(email_type, scope)
    ext.register_type(array_type, scope)
    ext.register_adapter(Email, _EmailAdapter)
    return oid, array_oid
