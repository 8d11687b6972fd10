"""Python support for listguard's ``listguard.email`` type.

A ``listguard.email`` value comes out of the database as the current role
may see it: the address in clear, a mask (``j***@example.com``), a pseudonym
(``p.4k2m9xq7ab3c@example.com``) or a sealed token (``lg1:...``). The
adapters in this package (``listguard.django``, ``listguard.sqlalchemy``,
``listguard.psycopg``, ``listguard.psycopg2``) return each value as a ``str``
subclass that says which it is:

>>> e = classify("j***@example.com")
>>> type(e).__name__, e.is_masked, e.is_clear, e.domain
('MaskedEmail', True, False, 'example.com')

Shapes are unambiguous: the type refuses to store an address shaped like a
mask or a pseudonym, and no address starts with ``lg1:``, so a value of one
of those shapes is never an address.
"""

import re

__all__ = [
    "Email",
    "WithheldEmail",
    "MaskedEmail",
    "PseudonymEmail",
    "SealedEmail",
    "classify",
    "TYPE_NAME",
]

__version__ = "0.1.0"

#: The type's name, schema-qualified as SQL should spell it.
TYPE_NAME = "listguard.email"

TOKEN_PREFIX = "lg1:"
# The core's rules (src/core/email/mask.cpp, pseudonym.cpp): the local part
# (before the last "@") of a mask is one character and "***"; of a
# pseudonym "p." and 12 characters of RFC 4648 base32 in lower case. The
# type judges addresses by their canonical (lower-case) form, so no address
# has these shapes in any letter case.
_PSEUDONYM_LOCAL = re.compile(r"p\.[a-z2-7]{12}\Z", re.IGNORECASE)


class Email(str):
    """An address as the database showed it: in clear.

    Subclasses stand for values shown otherwise. Compare, format and
    serialise them as the ``str`` they are.
    """

    reveal = "clear"
    is_clear = True
    is_masked = False
    is_pseudonym = False
    is_sealed = False
    is_withheld = False

    def __reduce__(self):
        # A plain copy of the text: no state of an adapter travels with it.
        return (self.__class__, (str(self),))

    def __repr__(self):
        return "%s(%s)" % (self.__class__.__name__, str.__repr__(self))

    @property
    def local_part(self):
        """What comes before the last "@" (None for a sealed token)."""
        at = self.rfind("@")
        return self[:at] if at >= 0 else None

    @property
    def domain(self):
        """What comes after the last "@" (None for a sealed token)."""
        at = self.rfind("@")
        return self[at + 1:] if at >= 0 else None


class WithheldEmail(Email):
    """A value that stands in for an address the role may not see in clear.

    It names no single address: it cannot be written as a new address, and
    a lookup by it matches no row. The ORM adapters leave the stored value
    unchanged when a row is saved with the value it was read with.
    """

    reveal = None
    is_clear = False
    is_withheld = True


class MaskedEmail(WithheldEmail):
    """First character, ``***``, ``@``, the domain: ``j***@example.com``."""

    reveal = "masked"
    is_masked = True


class PseudonymEmail(WithheldEmail):
    """A stable token per address and account: ``p.4k2m9xq7ab3c@example.com``."""

    reveal = "pseudonym"
    is_pseudonym = True


class SealedEmail(WithheldEmail):
    """The encrypted stored value, ``lg1:...``, as a backup role sees it.

    Unlike a mask or a pseudonym, a sealed token is accepted back by the
    type's input function (with the same keyring), so it can be used in
    lookups and copied into another row (subject to listguard's rules on
    moving values between accounts).
    """

    reveal = "sealed"
    is_sealed = True


def kind_of(text):
    """'clear', 'masked', 'pseudonym' or 'sealed': what a shown value is."""
    if text.startswith(TOKEN_PREFIX):
        return "sealed"
    at = text.rfind("@")
    if at < 0:
        return "clear"
    local = text[:at]
    if len(local) == 4 and local[1:] == "***":
        return "masked"
    if _PSEUDONYM_LOCAL.match(local):
        return "pseudonym"
    return "clear"


_CLASSES = {
    "clear": Email,
    "masked": MaskedEmail,
    "pseudonym": PseudonymEmail,
    "sealed": SealedEmail,
}


def classify(text):
    """The value as an instance of the class its shape calls for.

    None stays None; an instance of one of these classes is returned as is.
    """
    if text is None or isinstance(text, Email):
        return text
    if isinstance(text, (bytes, bytearray, memoryview)):
        text = bytes(text).decode("utf-8")
    text = str(text)
    return _CLASSES[kind_of(text)](text)


def is_lookup_value(value):
    """False for a mask or a pseudonym, which equal no stored address."""
    if value is None:
        return True
    return kind_of(str(value)) not in ("masked", "pseudonym")
