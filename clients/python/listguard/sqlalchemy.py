"""SQLAlchemy (1.4): a column type for ``listguard.email``.

>>> from sqlalchemy import Column, BigInteger
>>> from listguard.sqlalchemy import EmailType
>>> class Subscriber(Base):
...     __tablename__ = "subscribers"
...     id = Column(BigInteger, primary_key=True)
...     account_id = Column(BigInteger, nullable=False)
...     email = Column(EmailType, nullable=False)
>>> session.query(Subscriber).filter(Subscriber.email == "JANE.DOE@example.com").one()

Comparisons go to the type's own equality, which ignores case and compares
keyed digests, so they use an index, reveal nothing and charge no quota,
whatever the role may see:

- ``==``, ``!=``, ``in_()``, ``not_in()``: the parameter is cast to the
  type, ``email = CAST(%(p)s AS listguard.email)``;
- ``ilike(address)`` (and ``not_ilike``) with a whole address, no ``%``,
  is the same equality (``_`` is taken literally, as addresses hold it);
- ``like``, ``contains``, ``startswith``, ``endswith``, ``match`` and
  regular expressions, and ``ilike`` with ``%``, raise
  ``NotImplementedError``: they would have to turn every row into text,
  revealing (and charging) every clear value and matching masks, not
  addresses, for every other role.

A mask or pseudonym (``MaskedEmail``, ``PseudonymEmail``, or text of their
shape) equals no stored address: ``==`` by one is false, ``!=`` is "not
null", and ``in_()`` leaves them out. Results come back as ``listguard.Email``
(clear) or ``MaskedEmail``/``PseudonymEmail``/``SealedEmail``.
"""

import sqlalchemy
from sqlalchemy.dialects.postgresql.base import ischema_names
from sqlalchemy.sql import operators
from sqlalchemy.types import UserDefinedType

from . import TYPE_NAME, Email, classify, is_lookup_value

__all__ = ["EmailType"]

_REFUSED = {
    operators.like_op,
    operators.not_like_op,
    operators.contains_op,
    operators.not_contains_op,
    operators.startswith_op,
    operators.not_startswith_op,
    operators.endswith_op,
    operators.not_endswith_op,
    operators.match_op,
    operators.not_match_op,
    operators.regexp_match_op,
    operators.not_regexp_match_op,
    operators.regexp_replace_op,
}


def _is_value(other):
    return not hasattr(other, "__clause_element__") and not isinstance(other, sqlalchemy.sql.ClauseElement)


def _refuse(what):
    raise NotImplementedError(
        "%s on a listguard.email column would compare the text every row shows "
        "(revealing and charging each clear value, matching masks for other roles); "
        "compare whole addresses with == or in_() instead" % what
    )


def _unescape(pattern, escape):
    if not escape:
        return pattern
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == escape and i + 1 < len(pattern):
            i += 1
        out.append(pattern[i])
        i += 1
    return "".join(out)


def _whole_address(pattern, escape):
    """The address an ilike pattern spells, or None if it holds a % wildcard."""
    unescaped_percent = pattern.replace(escape + "%", "") if escape else pattern
    if "%" in unescaped_percent:
        return None
    return _unescape(pattern, escape)


class EmailType(UserDefinedType):
    """The ``listguard.email`` column type."""

    cache_ok = True

    def get_col_spec(self, **kw):
        return TYPE_NAME

    @property
    def python_type(self):
        return Email

    def bind_processor(self, dialect):
        def process(value):
            return None if value is None else str(value)

        return process

    def bind_expression(self, bindvalue):
        # The parameter is read by the type's input (psycopg2 sends it as a
        # literal), so comparisons use the type's operators and an index.
        return sqlalchemy.cast(bindvalue, self)

    def literal_processor(self, dialect):
        def process(value):
            return "'%s'" % str(value).replace("'", "''")

        return process

    def result_processor(self, dialect, coltype):
        return classify

    class comparator_factory(UserDefinedType.Comparator):
        def operate(self, op, *other, **kwargs):
            if op in _REFUSED:
                _refuse(op.__name__.replace("_op", "").replace("_", " "))
            if op in (operators.ilike_op, operators.not_ilike_op):
                pattern = other[0]
                if not isinstance(pattern, str):
                    _refuse("ilike() with an expression")
                address = _whole_address(pattern, kwargs.get("escape"))
                if address is None:
                    _refuse("ilike() with a % wildcard")
                op = operators.eq if op is operators.ilike_op else operators.ne
                other = (address,)
                kwargs = {}
            if op in (operators.eq, operators.ne) and other and _is_value(other[0]):
                if other[0] is not None and not is_lookup_value(other[0]):
                    # A mask or pseudonym names no address: nothing equals it.
                    if op is operators.eq:
                        return sqlalchemy.false()
                    return self.expr.isnot(None)
            if op in (operators.in_op, operators.not_in_op) and other and isinstance(other[0], (list, tuple, set)):
                other = ([v for v in other[0] if is_lookup_value(v)],) + tuple(other[1:])
            return super().operate(op, *other, **kwargs)


# Reflection (``Table(..., autoload_with=engine)``) of a column whose type
# PostgreSQL formats as "listguard.email".
ischema_names[TYPE_NAME] = EmailType
