"""Django (3.2): a model field for ``listguard.email`` and migration operations.

>>> from django.db import models
>>> from listguard.django import EmailField
>>> class Subscriber(models.Model):
...     account_id = models.BigIntegerField()
...     email = EmailField()
>>> Subscriber.objects.get(account_id=1, email__iexact="JANE.DOE@example.com")

Lookups ``exact``, ``iexact`` and ``in`` compare the column with the type's
own equality, which ignores case (``"email" = CAST(%s AS listguard.email)``):
an index is used, nothing is revealed or charged, and a masked role finds
rows as a clear one does, without relying on the server to recognise
Django's usual ``UPPER("email"::text) = UPPER(%s)``. Other lookups
(``contains``, ``startswith``, ``regex``, ``gt``...) are refused with
``FieldError``: they compare the text each row shows, which makes a clear
value (charged to the quota) of every row scanned, and matches masks, not
addresses, for other roles; ``isnull`` works.

Values come back as ``listguard.Email`` (clear) or ``MaskedEmail``,
``PseudonymEmail``, ``SealedEmail``. ``save()`` writes back a value that is
still the one read for that row as ``SET "email" = "email"``: the stored
address stays as it was, so a role that sees masks can edit a row's other
columns with a plain ``save()`` (or a ``ModelForm``, the admin included). A
value assigned since (a new address, a token) is written as usual.

Migration operations ``Protect`` and ``GrantAccess`` call ``listguard.protect()``
and ``listguard.grant_access()`` (and undo them when migrating backwards).
"""

import weakref

from django.core import checks
from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.migrations.operations.base import Operation
from django.db.models import F, lookups
from django.db.models.query_utils import DeferredAttribute

from . import TYPE_NAME, Email, classify, is_lookup_value

__all__ = ["EmailField", "Protect", "GrantAccess"]

_SHOWN = "_listguard_shown"  # instance.__dict__ key: attname -> text read for this row


def _cast(sql):
    return "CAST(%s AS %s)" % (sql, TYPE_NAME)


class _EmailEquals(lookups.Exact):
    """``exact`` and ``iexact``: the type's equality, the parameter cast to the type."""

    def get_prep_lookup(self):
        if not hasattr(self.rhs, "resolve_expression") and not is_lookup_value(self.rhs):
            self._names_no_address = True
        return super().get_prep_lookup()

    def as_sql(self, compiler, connection):
        if getattr(self, "_names_no_address", False):
            raise EmptyResultSet  # a mask or pseudonym equals no stored address
        lhs_sql, params = lookups.Lookup.process_lhs(self, compiler, connection)
        rhs_sql, rhs_params = self.process_rhs(compiler, connection)
        if self.rhs_is_direct_value():
            rhs_sql = _cast(rhs_sql)
        return "%s = %s" % (lhs_sql, rhs_sql), params + list(rhs_params)


class _EmailIExact(_EmailEquals):
    lookup_name = "iexact"


class _EmailIn(lookups.In):
    def get_prep_lookup(self):
        if self.rhs_is_direct_value() and not hasattr(self.rhs, "resolve_expression"):
            try:
                self.rhs = [value for value in self.rhs if is_lookup_value(value)]
            except TypeError:
                pass
        return super().get_prep_lookup()

    def batch_process_rhs(self, compiler, connection, rhs=None):
        sqls, params = super().batch_process_rhs(compiler, connection, rhs)
        return [_cast(sql) for sql in sqls], params


class _EmailAttribute(DeferredAttribute):
    """Remembers, per instance, the value its row was read with.

    A value made by ``from_db_value`` belongs to the instance Django builds
    from the row (the first it is set on while that instance has no value
    yet), and is the row's value for any instance of the same row
    (``refresh_from_db()`` copies from a fresh instance). A value of another
    row, or one from ``values_list()`` assigned later, is not.
    """

    def __set__(self, instance, value):
        attname = self.field.attname
        if isinstance(value, Email) and value.__dict__.get("_from_db"):
            owner_ref = value.__dict__.get("_owner")
            owner = owner_ref() if owner_ref is not None else None
            if owner is None and attname not in instance.__dict__:
                value._owner = weakref.ref(instance)
                owner = instance
            if owner is not None and (
                owner is instance
                or (
                    owner._meta.concrete_model is instance._meta.concrete_model
                    and owner.pk is not None
                    and owner.pk == instance.pk
                )
            ):
                instance.__dict__.setdefault(_SHOWN, {})[attname] = str(value)
        instance.__dict__[attname] = value


class EmailField(models.Field):
    """A ``listguard.email`` column."""

    description = "An email address stored sealed by listguard"
    descriptor_class = _EmailAttribute
    _lookups = {"exact": _EmailEquals, "iexact": _EmailIExact, "in": _EmailIn, "isnull": lookups.IsNull}

    def db_type(self, connection):
        return TYPE_NAME

    def get_internal_type(self):
        return "ListguardEmailField"

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        return errors + self._check_backend(**kwargs)

    def _check_backend(self, databases=None, **kwargs):
        from django.db import connections

        problems = []
        for alias in databases or []:
            if connections[alias].vendor != "postgresql":
                problems.append(
                    checks.Error(
                        "listguard.email needs PostgreSQL with the listguard extension.",
                        obj=self,
                        id="listguard.E001",
                    )
                )
        return problems

    def get_lookup(self, lookup_name):
        return self._lookups.get(lookup_name)

    def get_transform(self, lookup_name):
        return None

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        value = classify(value)
        value._from_db = True
        return value

    def to_python(self, value):
        if value is None:
            return None
        return classify(value.strip() if isinstance(value, str) and not isinstance(value, Email) else value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return None if value is None else str(value)

    def get_placeholder(self, value, compiler, connection):
        # Values written (INSERT, UPDATE, bulk_update's CASE) are typed as
        # the column is, not left to PostgreSQL's guess (text, in a CASE).
        if hasattr(value, "as_sql"):
            return "%s"
        return _cast("%s")

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if not add and value is not None:
            shown = model_instance.__dict__.get(_SHOWN, {}).get(self.attname)
            if shown is not None and str(value) == shown:
                # Unchanged since it was read: keep the stored value as it is
                # (a mask, pseudonym or token could not be written back; an
                # address in clear would be sealed anew for nothing).
                return F(self.attname)
        return value

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return None if value is None else str(value)

    def formfield(self, **kwargs):
        from django import forms

        defaults = {"form_class": forms.CharField}
        defaults.update(kwargs)
        return super().formfield(**defaults)


def _columns(model, *field_names):
    return [None if name is None else model._meta.get_field(name).column for name in field_names]


class Protect(Operation):
    """``listguard.protect()`` of a model's table (``unprotect()`` backwards).

    ``account_field`` and ``list_field`` name model fields (their columns are
    used). Run by an administrator of listguard (a superuser or a member of
    ``listguard_admin``).
    """

    reversible = True

    def __init__(self, model_name, account_field, list_field=None, audit="statement", stamp="now"):
        self.model_name = model_name
        self.account_field = account_field
        self.list_field = list_field
        self.audit = audit
        self.stamp = stamp

    def state_forwards(self, app_label, state):
        pass

    def _table(self, app_label, state, schema_editor):
        model = state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return None, None
        return model, schema_editor.quote_name(model._meta.db_table)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model, table = self._table(app_label, to_state, schema_editor)
        if model is None:
            return
        account, list_ = _columns(model, self.account_field, self.list_field)
        schema_editor.execute(
            "SELECT listguard.protect(%s::regclass, %s, %s, audit => %s, stamp => %s)",
            (table, account, list_, self.audit, self.stamp),
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model, table = self._table(app_label, from_state, schema_editor)
        if model is None:
            return
        schema_editor.execute("SELECT listguard.unprotect(%s::regclass)", (table,))

    def describe(self):
        scope = self.account_field if self.list_field is None else "%s, %s" % (self.account_field, self.list_field)
        return "Protect %s with listguard (by %s)" % (self.model_name, scope)

    @property
    def migration_name_fragment(self):
        return "protect_%s" % self.model_name.lower()


class GrantAccess(Operation):
    """``listguard.grant_access()`` (backwards: revokes the latest such grant).

    The arguments are those of the SQL function; ``account`` None is every
    account, ``list`` None every list of the account. The role must exist
    (create roles outside migrations, or with ``RunSQL``). Under
    ``listguard.two_person_rule`` a grant of clear or sealed access waits for
    approval: the migration then makes a request, and going backwards finds
    no grant to revoke.
    """

    reversible = True
    _ARGS = ("reveal", "can_write", "quota", "valid_until", "from_networks", "reason", "on_exceed", "sends")

    def __init__(self, role, account, list=None, reveal="masked", can_write=False, quota=None,
                 valid_until=None, from_networks=None, reason=None, on_exceed="error", sends=False):
        self.role = role
        self.account = account
        self.list = list
        self.reveal = reveal
        self.can_write = can_write
        self.quota = quota
        self.valid_until = valid_until
        self.from_networks = from_networks
        self.reason = reason
        self.on_exceed = on_exceed
        self.sends = sends

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        networks = None if self.from_networks is None else "{%s}" % ",".join(self.from_networks)
        schema_editor.execute(
            "SELECT listguard.grant_access(%s::regrole, %s::bigint, %s::bigint, reveal => %s, can_write => %s, "
            "quota => %s, valid_until => %s::timestamptz, from_networks => %s::cidr[], reason => %s, "
            "on_exceed => %s, sends => %s)",
            (self.role, self.account, self.list, self.reveal, self.can_write, self.quota,
             self.valid_until, networks, self.reason, self.on_exceed, self.sends),
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            "SELECT listguard.revoke_access(id) FROM listguard.grants WHERE id = ("
            "SELECT max(id) FROM listguard.grants WHERE grantee = %s::regrole "
            "AND account IS NOT DISTINCT FROM %s::bigint AND list IS NOT DISTINCT FROM %s::bigint "
            "AND reveal = %s AND can_write = %s AND quota IS NOT DISTINCT FROM %s AND sends = %s)",
            (self.role, self.account, self.list, self.reveal, self.can_write, self.quota, self.sends),
        )

    def describe(self):
        where = "every account" if self.account is None else "account %s" % self.account
        if self.list is not None:
            where += " list %s" % self.list
        return "Grant %s %s access to %s with listguard" % (self.role, self.reveal, where)

    @property
    def migration_name_fragment(self):
        return "grant_%s_%s" % (self.role.lower(), self.reveal)
