"""Django 3.2: EmailField lookups, values, save(), forms, and the migration operations.

The app (tests/djangoapp) is migrated by its migration, as an application
would be: CreateModel, listguard.django.Protect, GRANTs, GrantAccess. One
database alias per role: default (postgres, for migrations), masked,
pseudo, sealed, clear.
"""

import os
import pickle
import unittest
from io import StringIO

import django
from django.conf import settings

ALIASES = {"default": "postgres", "masked": "lg_masked", "pseudo": "lg_pseudo", "sealed": "lg_sealed", "clear": "lg_clear"}

if not settings.configured:
    settings.configure(
        DATABASES={
            alias: {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": os.environ.get("PGDATABASE", "esp"),
                "USER": user,
                "HOST": os.environ.get("PGHOST", ""),
                "PORT": os.environ.get("PGPORT", ""),
            }
            for alias, user in ALIASES.items()
        },
        INSTALLED_APPS=["djangoapp"],
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        USE_TZ=True,
    )
    django.setup()

from django import forms  # noqa: E402
from django.core.exceptions import FieldError  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import DataError, connections  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from djangoapp.models import Subscriber  # noqa: E402
from listguard import Email, MaskedEmail, PseudonymEmail, SealedEmail  # noqa: E402
from listguard.django import GrantAccess, Protect  # noqa: E402

import server  # noqa: E402

TABLE = "djangoapp_subscriber"
EXPECTED = {"masked": MaskedEmail, "pseudo": PseudonymEmail, "sealed": SealedEmail, "clear": Email}
WRITERS = ("masked", "pseudo", "sealed", "clear")


def migrate(target=None):
    args = ["djangoapp"] + ([target] if target else [])
    call_command("migrate", *args, database="default", verbosity=0)


def fill():
    with server.connect() as conn:
        conn.execute(
            "INSERT INTO %s (id, account_id, list_id, name, email) "
            "SELECT g, 1, 10, 'filler ' || g, 'filler' || g || '@example.com' FROM generate_series(1, 2000) g" % TABLE
        )
        conn.execute("INSERT INTO %s (id, account_id, list_id, name, email) VALUES (%%s, 1, 10, 'Jane', %%s)" % TABLE,
                     (server.JANE_ID, server.JANE))
        conn.execute("SELECT setval('%s_id_seq', 10000)" % TABLE)
        conn.execute("ANALYZE %s" % TABLE)


def setUpModule():
    server.ensure_roles()
    with server.connect() as conn:
        if not conn.execute("SELECT 1 FROM pg_roles WHERE rolname = 'lg_django_analyst'").fetchone():
            conn.execute("CREATE ROLE lg_django_analyst")
    migrate("zero")
    migrate()
    fill()


def tearDownModule():
    for alias in ALIASES:
        connections[alias].close()


_rows = iter(range(1, 1000000))


def new_row(name, address=None):
    """A row of its own for a test that writes, made by the superuser."""
    address = address or "Row.Owner%d@Example.com" % next(_rows)
    with server.connect() as conn:
        return conn.execute(
            "INSERT INTO %s (account_id, list_id, name, email) VALUES (1, 10, %%s, %%s) RETURNING id" % TABLE,
            (name, address),
        ).fetchone()[0]


def stored_name(row_id):
    return server.admin_value("SELECT name FROM %s WHERE id = %%s" % TABLE, (row_id,))


def uses_index(alias, queryset):
    with connections[alias].cursor() as cur:
        cur.execute("SET enable_seqscan = off")
    try:
        return server.uses_index(queryset.explain().splitlines())
    finally:
        with connections[alias].cursor() as cur:
            cur.execute("RESET enable_seqscan")


class MigrationTest(unittest.TestCase):
    def test_the_migration_protected_and_granted(self):
        """Protect and GrantAccess in a migration protect the table and make the grant"""
        self.assertEqual(server.admin_value("SELECT count(*) FROM listguard.protected_tables WHERE relid = %s::regclass",
                                            (TABLE,)), 1)
        self.assertEqual(server.admin_value(
            "SELECT reveal FROM listguard.explain_access('lg_django_analyst') WHERE account = 1 AND list = 10"),
            "pseudonym")

    def test_sqlmigrate_and_describe(self):
        """sqlmigrate shows the calls both ways; describe() says what each does"""
        for backwards, expected in ((False, ["listguard.protect('\"djangoapp_subscriber\"'::regclass, 'account_id', 'list_id'",
                                             "listguard.grant_access('lg_django_analyst'::regrole, 1::bigint, 10::bigint, reveal => 'pseudonym'"]),
                                    (True, ["listguard.unprotect('\"djangoapp_subscriber\"'::regclass)",
                                            "listguard.revoke_access(id)"])):
            out = StringIO()
            call_command("sqlmigrate", "djangoapp", "0001", backwards=backwards, database="default", stdout=out)
            for text in expected:
                self.assertIn(text, out.getvalue())
        self.assertEqual(Protect("subscriber", "account_id", "list_id").describe(),
                         "Protect subscriber with listguard (by account_id, list_id)")
        self.assertEqual(GrantAccess("support", None).describe(), "Grant support masked access to every account with listguard")
        self.assertEqual(Protect("subscriber", "account_id").deconstruct(),
                         ("Protect", ("subscriber", "account_id"), {}))

    def test_migrating_backwards_and_forwards(self):
        """migrating to zero unprotects, revokes and drops; migrating again brings it all back"""
        events = "SELECT count(*) FILTER (WHERE kind = 'unprotect'), count(*) FILTER (WHERE kind = 'revoke') FROM listguard.audit_log"
        with server.connect() as conn:
            before = conn.execute(events).fetchone()
        migrate("zero")
        try:
            self.assertIsNone(server.admin_value("SELECT to_regclass(%s)::text", (TABLE,)))
            self.assertEqual(server.admin_value("SELECT count(*) FROM listguard.explain_access('lg_django_analyst')"), 0)
            with server.connect() as conn:
                conn.execute("SELECT pg_sleep(0.1)")  # the audit writer appends asynchronously
                for _ in range(50):
                    after = conn.execute(events).fetchone()
                    if after[0] > before[0] and after[1] > before[1]:
                        break
                    conn.execute("SELECT pg_sleep(0.1)")
            self.assertEqual((after[0] - before[0], after[1] - before[1]), (1, 1))
        finally:
            migrate()
            fill()
        self.assertEqual(server.admin_value("SELECT count(*) FROM listguard.protected_tables WHERE relid = %s::regclass",
                                            (TABLE,)), 1)
        self.assertEqual(server.admin_value("SELECT count(*) FROM listguard.explain_access('lg_django_analyst')"), 1)


class LookupTest(unittest.TestCase):
    def test_sql_compares_with_the_types_equality(self):
        """exact, iexact and in cast the parameter to the type; no UPPER(email::text)"""
        for queryset in (
            Subscriber.objects.filter(email="Jane.Doe@example.com"),
            Subscriber.objects.filter(email__iexact="Jane.Doe@example.com"),
            Subscriber.objects.filter(email__in=["Jane.Doe@example.com", "x@example.com"]),
        ):
            sql = str(queryset.query)
            with self.subTest(sql=sql):
                self.assertIn('"djangoapp_subscriber"."email" ', sql)
                self.assertIn("CAST(Jane.Doe@example.com AS listguard.email)", sql)
                self.assertNotIn("UPPER", sql)
                self.assertNotIn("::text", sql)

    def test_a_masked_role_finds_rows_with_an_index(self):
        """a masked role finds the row by exact, iexact and in, in another spelling, with an index"""
        manager = Subscriber.objects.using("masked")
        for queryset in (
            manager.filter(email="JANE.DOE@example.com"),
            manager.filter(email__iexact="jane.doe@EXAMPLE.COM"),
            manager.filter(email__in=["jane.doe@example.com", "nobody@example.com"]),
            manager.filter(account_id=1, email__iexact="Jane.Doe@Example.Com"),
        ):
            with self.subTest(sql=str(queryset.query)):
                self.assertEqual(list(queryset.values_list("id", flat=True)), [server.JANE_ID])
                self.assertTrue(uses_index("masked", queryset))
        self.assertEqual(manager.get(email__iexact="JANE.DOE@EXAMPLE.COM").email, "J***@Example.com")
        self.assertEqual(manager.exclude(email="jane.doe@example.com").filter(name="Jane").count(), 0)

    def test_lookups_charge_no_quota(self):
        """a clear role's iexact lookups charge nothing; the address it then reads is charged once"""
        manager = Subscriber.objects.using("clear")
        before = server.quota_used()
        for _ in range(3):
            self.assertEqual(list(manager.filter(email__iexact="JANE.DOE@example.com").values_list("id", flat=True)),
                             [server.JANE_ID])
        self.assertTrue(manager.filter(email__in=["jane.doe@example.com"]).exists())
        self.assertEqual(server.quota_used(), before)
        self.assertEqual(manager.get(email__iexact="jane.doe@example.com").email, server.JANE)
        self.assertEqual(server.quota_used(), before + 1)

    def test_get_or_create_finds_the_subscriber_in_any_spelling(self):
        """a signup in another spelling finds the existing row (masked role)"""
        row, created = Subscriber.objects.using("masked").get_or_create(
            account_id=1, email="JANE.DOE@EXAMPLE.COM", defaults={"list_id": 10, "name": "dup"})
        self.assertFalse(created)
        self.assertEqual(row.id, server.JANE_ID)

    def test_other_lookups_are_refused(self):
        """lookups that would compare the shown text (contains, regex, ...) raise FieldError"""
        for lookup in ("contains", "icontains", "startswith", "iendswith", "regex", "gt", "lower"):
            with self.subTest(lookup=lookup), self.assertRaises(FieldError):
                Subscriber.objects.filter(**{"email__" + lookup: "jane"})

    def test_masks_match_nothing(self):
        """a mask or pseudonym in a lookup matches no row, without a database error"""
        masked = Subscriber.objects.using("masked").get(id=server.JANE_ID).email
        pseudonym = Subscriber.objects.using("pseudo").get(id=server.JANE_ID).email
        for alias, value in (("masked", masked), ("pseudo", pseudonym)):
            manager = Subscriber.objects.using(alias)
            with self.subTest(value=value):
                self.assertFalse(manager.filter(email=value).exists())
                self.assertFalse(manager.filter(email__iexact=value).exists())
                self.assertEqual(list(manager.filter(email__in=[value, "jane.doe@example.com"]).values_list("id", flat=True)),
                                 [server.JANE_ID])
                self.assertFalse(manager.filter(email__in=[value]).exists())

    def test_a_sealed_token_finds_its_row(self):
        """a sealed token read by a backup role finds its row"""
        manager = Subscriber.objects.using("sealed")
        token = manager.get(id=server.JANE_ID).email
        self.assertIs(type(token), SealedEmail)
        self.assertEqual(manager.get(email=token).id, server.JANE_ID)


class ValueTest(unittest.TestCase):
    def test_values_come_back_as_their_class(self):
        """each role's values come back as their class, from models and values_list"""
        for alias, cls in EXPECTED.items():
            with self.subTest(alias=alias):
                manager = Subscriber.objects.using(alias)
                self.assertIs(type(manager.get(id=server.JANE_ID).email), cls)
                self.assertIs(type(manager.filter(id=server.JANE_ID).values_list("email", flat=True)[0]), cls)
        self.assertEqual(Subscriber.objects.using("pseudo").get(id=server.JANE_ID).email.domain, "example.com")


class SaveTest(unittest.TestCase):
    def test_save_leaves_the_stored_address(self):
        """save() by each role, after changing the name, keeps the address (SET email = email)"""
        for alias in WRITERS:
            with self.subTest(alias=alias):
                row_id = new_row("before " + alias, "Saved.By.%s@Example.com" % alias)
                row = Subscriber.objects.using(alias).get(id=row_id)
                row.name = "after " + alias
                with CaptureQueriesContext(connections[alias]) as queries:
                    row.save()
                update = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")][0]
                self.assertIn('"email" = "djangoapp_subscriber"."email"', update)
                self.assertEqual(stored_name(row_id), "after " + alias)
                self.assertTrue(server.stored_address_is(TABLE, row_id, "saved.by.%s@example.com" % alias))

    def test_model_form_save_by_a_masked_role(self):
        """a ModelForm (the admin's way) posted with the mask it showed saves the other fields"""

        class SubscriberForm(forms.ModelForm):
            class Meta:
                model = Subscriber
                fields = ["account_id", "name", "email"]

        row_id = new_row("form before", "Form.User@Example.com")
        row = Subscriber.objects.using("masked").get(id=row_id)
        form = SubscriberForm(instance=row)
        data = {name: form[name].value() for name in form.fields}
        self.assertEqual(data["email"], "F***@Example.com")
        data["name"] = "form after"
        form = SubscriberForm(data, instance=row)
        self.assertTrue(form.is_valid(), form.errors)  # validate_unique looked the mask up: no conflict
        form.save()
        self.assertEqual(stored_name(row_id), "form after")
        self.assertTrue(server.stored_address_is(TABLE, row_id, "form.user@example.com"))

    def test_refreshed_deferred_and_pickled_rows(self):
        """after refresh_from_db(), a deferred load, or a pickle round trip, save() still keeps the address"""
        row_id = new_row("r0", "Refresh.Me@Example.com")
        manager = Subscriber.objects.using("masked")
        row = manager.get(id=row_id)
        row.refresh_from_db()
        row.name = "r1"
        row.save()
        deferred = manager.only("id", "name").get(id=row_id)
        self.assertEqual(deferred.email, "R***@Example.com")  # loaded now
        deferred.name = "r2"
        deferred.save()
        copied = pickle.loads(pickle.dumps(manager.get(id=row_id)))
        copied.name = "r3"
        copied.save()
        self.assertEqual(stored_name(row_id), "r3")
        self.assertTrue(server.stored_address_is(TABLE, row_id, "refresh.me@example.com"))

    def test_a_new_address_is_written(self):
        """a writer that sees masks assigns a new address: it is written, and a clear role reads it"""
        row_id = new_row("moving", "Old.Address@Example.com")
        row = Subscriber.objects.using("masked").get(id=row_id)
        row.email = "New.Address@Example.com"
        row.save()
        self.assertEqual(Subscriber.objects.using("clear").get(id=row_id).email, "New.Address@Example.com")
        row.refresh_from_db()
        self.assertIs(type(row.email), MaskedEmail)

    def test_another_rows_mask_is_refused(self):
        """another row's mask assigned to a row is written, and the database refuses it"""
        first = Subscriber.objects.using("masked").get(id=new_row("one", "One@First.example"))
        second = Subscriber.objects.using("masked").get(id=new_row("two", "Two@Second.example"))
        first.email = second.email
        with self.assertRaises(DataError):
            first.save()
        self.assertTrue(server.stored_address_is(TABLE, first.id, "one@first.example"))

    def test_a_sealed_token_is_copied_to_another_row(self):
        """a sealed role assigns one row's token to another: it is written (a token is valid input)"""
        manager = Subscriber.objects.using("sealed")
        source = manager.get(id=new_row("source", "Copied.Address@Example.com"))
        target = manager.get(id=new_row("target", "Replaced.Address@Example.com"))
        source.delete()  # (one row per address and account)
        target.email = source.email
        target.save()
        self.assertTrue(server.stored_address_is(TABLE, target.id, "copied.address@example.com"))
        # A token read with values_list() and assigned is written too.
        target.email = manager.filter(id=target.id).values_list("email", flat=True)[0]
        target.name = "target again"
        with CaptureQueriesContext(connections["sealed"]) as queries:
            target.save()
        self.assertIn("CAST(", [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")][0])

    def test_bulk_update_writes_the_mask_back(self):
        """bulk_update() writes the shown mask back, the address stays"""
        row_id = new_row("bulk before", "Bulk.Row@Example.com")
        row = Subscriber.objects.using("masked").get(id=row_id)
        row.name = "bulk after"
        Subscriber.objects.using("masked").bulk_update([row], ["name", "email"])
        self.assertEqual(stored_name(row_id), "bulk after")
        self.assertTrue(server.stored_address_is(TABLE, row_id, "bulk.row@example.com"))


if __name__ == "__main__":
    unittest.main()
