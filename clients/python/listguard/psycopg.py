"""psycopg 3: load ``listguard.email`` values as ``listguard.Email`` objects.

>>> import psycopg
>>> from listguard.psycopg import register_email
>>> conn = psycopg.connect()
>>> register_email(conn)
>>> conn.execute("SELECT email FROM subscribers").fetchone()[0]
MaskedEmail('j***@example.com')

Without it, psycopg 3 returns the type's values as ``str`` in text results
and as ``bytes`` in binary ones (``cursor(binary=True)``), since it does not
know the type's OID. With it, both formats, and arrays of the type, give
``Email`` (clear) or ``MaskedEmail``/``PseudonymEmail``/``SealedEmail``.

``Email`` objects (and the subclasses) passed as parameters are sent typed
``listguard.email``; plain ``str`` parameters keep psycopg's default (an
untyped text value the server converts), which works for ``email = %s``
and for inserts as before.
"""

from psycopg import errors
from psycopg.adapt import Dumper, Loader
from psycopg.pq import Format
from psycopg.types import TypeInfo

from . import TYPE_NAME, Email, classify

__all__ = ["register_email", "register_email_async"]


def _decode(loader, data):
    if isinstance(data, memoryview):
        data = bytes(data)
    return classify(data.decode(loader._encoding))


class _EmailLoader(Loader):
    format = Format.TEXT

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        conn = self.connection
        self._encoding = conn.info.encoding if conn is not None else "utf-8"

    def load(self, data):
        return _decode(self, data)


class _EmailBinaryLoader(_EmailLoader):
    # The type's binary send is its text output in the client encoding.
    format = Format.BINARY


class _EmailDumper(Dumper):
    format = Format.TEXT

    def __init__(self, cls, context=None):
        super().__init__(cls, context)
        conn = self.connection
        self._encoding = conn.info.encoding if conn is not None else "utf-8"

    def dump(self, obj):
        return str(obj).encode(self._encoding)


class _EmailBinaryDumper(_EmailDumper):
    # The type's binary receive reads text in the client encoding.
    format = Format.BINARY


def _context_connection(conn_or_cursor):
    return getattr(conn_or_cursor, "connection", conn_or_cursor)


def _register(info, context):
    if info is None:
        raise errors.UndefinedObject(
            "type %s does not exist: CREATE EXTENSION listguard in this database first" % TYPE_NAME
        )
    info.register(context)  # also the array type
    adapters = context.adapters
    adapters.register_loader(info.oid, _EmailLoader)
    adapters.register_loader(info.oid, _EmailBinaryLoader)
    for base in (_EmailDumper, _EmailBinaryDumper):
        dumper = type(base.__name__, (base,), {"oid": info.oid})
        adapters.register_dumper(Email, dumper)
    return info


def register_email(conn_or_cursor):
    """Registers the type on a connection or cursor (and what it creates).

    Looks up the OID of ``listguard.email`` (one catalog query, in a
    transaction of its own or a savepoint) and returns its ``TypeInfo``.
    """
    info = TypeInfo.fetch(_context_connection(conn_or_cursor), TYPE_NAME)
    return _register(info, conn_or_cursor)


async def register_email_async(conn_or_cursor):
    """``register_email`` for an ``AsyncConnection`` or ``AsyncCursor``."""
    info = await TypeInfo.fetch(_context_connection(conn_or_cursor), TYPE_NAME)
    return _register(info, conn_or_cursor)
