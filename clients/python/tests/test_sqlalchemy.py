"""SQLAlchemy 1.4: EmailType comparisons, results, ORM writes, reflection."""

import unittest

import psycopg2
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session, declarative_base

from listguard import Email, MaskedEmail, PseudonymEmail, SealedEmail
from listguard.sqlalchemy import EmailType

import server

TABLE = "py_sqlalchemy_subs"
Base = declarative_base()


class Subscriber(Base):
    __tablename__ = TABLE
    id = sa.Column(sa.BigInteger, primary_key=True)
    account_id = sa.Column(sa.BigInteger, nullable=False)
    list_id = sa.Column(sa.BigInteger, nullable=False)
    name = sa.Column(sa.Text)
    email = sa.Column(EmailType)


ENGINES = {}


def engine(role):
    if role not in ENGINES:
        dsn = server.conninfo(role)
        ENGINES[role] = sa.create_engine("postgresql+psycopg2://", creator=lambda: psycopg2.connect(dsn), future=True)
    return ENGINES[role]


def setUpModule():
    server.make_table(TABLE)


def tearDownModule():
    for e in ENGINES.values():
        e.dispose()


def statements(eng):
    """Collects the SQL an engine sends, with its parameters."""
    seen = []
    event.listen(eng, "before_cursor_execute", lambda conn, cur, sql, params, ctx, many: seen.append((sql, params)))
    return seen


class SqlalchemyTest(unittest.TestCase):
    def test_comparisons_cast_the_parameter(self):
        """==, in_ and ilike compile to the type's equality with the parameter cast"""
        dialect = engine("lg_masked").dialect
        for clause in (
            Subscriber.email == "Jane@example.com",
            Subscriber.email.ilike("Jane@example.com"),
            Subscriber.email.in_(["a@example.com", "b@example.com"]),
        ):
            sql = str(clause.compile(dialect=dialect, compile_kwargs={"render_postcompile": True}))
            with self.subTest(sql=sql):
                self.assertIn("CAST(%(", sql)
                self.assertIn("AS listguard.email)", sql)
                self.assertNotIn("lower", sql.lower().replace("listguard", ""))
                self.assertNotIn("ILIKE", sql.upper())

    def test_a_masked_role_finds_rows_by_address_with_an_index(self):
        """a masked role finds the row by ==, in_ and ilike, in another spelling, with an index"""
        with Session(engine("lg_masked")) as session:
            session.execute(sa.text("SET enable_seqscan = off"))
            for where in (
                Subscriber.email == "JANE.DOE@example.com",
                Subscriber.email.ilike("jane.doe@EXAMPLE.com"),
                Subscriber.email.in_(["jane.doe@example.com", "nobody@example.com"]),
                sa.not_(Subscriber.email != "jane.doe@example.com"),
            ):
                with self.subTest(where=str(where)):
                    query = sa.select(Subscriber.id).where(where)
                    self.assertEqual(session.execute(query).scalars().all(), [server.JANE_ID])
                    compiled = query.compile(dialect=session.bind.dialect, compile_kwargs={"literal_binds": True})
                    plan = session.execute(sa.text("EXPLAIN (COSTS OFF) %s" % compiled)).scalars().all()
                    self.assertTrue(server.uses_index(plan), plan)

    def test_lookups_charge_no_quota(self):
        """a clear role's lookups by address charge nothing to its quota"""
        before = server.quota_used()
        with Session(engine("lg_clear")) as session:
            for where in (Subscriber.email == "jane.doe@example.com", Subscriber.email.ilike("JANE.DOE@example.com")):
                self.assertEqual(session.execute(sa.select(Subscriber.id).where(where)).scalars().all(), [server.JANE_ID])
            self.assertEqual(server.quota_used(), before)
            # What is charged: the clear value that leaves.
            self.assertEqual(session.execute(sa.select(Subscriber.email).where(Subscriber.id == server.JANE_ID)).scalar(), server.JANE)
        self.assertEqual(server.quota_used(), before + 1)

    def test_results_come_back_as_their_class(self):
        """each role's value comes back as its class"""
        for role, cls in (("lg_masked", MaskedEmail), ("lg_pseudo", PseudonymEmail), ("lg_sealed", SealedEmail), ("lg_clear", Email)):
            with self.subTest(role=role), Session(engine(role)) as session:
                value = session.get(Subscriber, server.JANE_ID).email
                self.assertIs(type(value), cls)

    def test_pattern_matching_is_refused(self):
        """like, contains, startswith, regexp and ilike with % raise NotImplementedError"""
        for build in (
            lambda: Subscriber.email.like("jane%"),
            lambda: Subscriber.email.contains("jane"),
            lambda: Subscriber.email.startswith("jane"),
            lambda: Subscriber.email.endswith("example.com"),
            lambda: Subscriber.email.regexp_match("jane"),
            lambda: Subscriber.email.ilike("%@example.com"),
        ):
            with self.assertRaises(NotImplementedError):
                build()

    def test_masks_match_nothing(self):
        """a mask names no address: == finds nothing, in_ leaves it out, without an error"""
        with Session(engine("lg_masked")) as session:
            jane = session.get(Subscriber, server.JANE_ID)
            self.assertIs(type(jane.email), MaskedEmail)
            self.assertEqual(session.execute(sa.select(Subscriber.id).where(Subscriber.email == jane.email)).all(), [])
            found = session.execute(
                sa.select(Subscriber.id).where(Subscriber.email.in_([jane.email, "jane.doe@example.com"]))
            ).scalars().all()
            self.assertEqual(found, [server.JANE_ID])

    def test_orm_flush_leaves_the_address_alone(self):
        """a masked role changes a row's name through the ORM; the UPDATE leaves the address out"""
        eng = engine("lg_masked")
        seen = statements(eng)
        with Session(eng) as session:
            jane = session.get(Subscriber, server.JANE_ID)
            jane.name = "Jane (edited by the ORM)"
            session.commit()
        updates = [sql for sql, _ in seen if sql.startswith("UPDATE")]
        self.assertEqual(len(updates), 1)
        self.assertNotIn("email", updates[0])
        self.assertTrue(server.stored_address_is(TABLE, server.JANE_ID, server.JANE))
        self.assertEqual(server.admin_value("SELECT name FROM %s WHERE id = %%s" % TABLE, (server.JANE_ID,)), "Jane (edited by the ORM)")

    def test_orm_insert_and_change_of_address(self):
        """a writer inserts a row and changes its address; a clear role reads both"""
        with Session(engine("lg_masked")) as session:
            row = Subscriber(account_id=1, list_id=10, name="new", email="New.Person@Example.com")
            session.add(row)
            session.commit()
            new_id = row.id
            self.assertEqual(row.email, "N***@Example.com")  # read again after the commit
            self.assertIs(type(row.email), MaskedEmail)
            row.email = "Renamed.Person@Example.com"
            session.commit()
        with Session(engine("lg_clear")) as session:
            self.assertEqual(session.get(Subscriber, new_id).email, "Renamed.Person@Example.com")

    def test_reflection(self):
        """a reflected table's email column has EmailType"""
        table = sa.Table(TABLE, sa.MetaData(), autoload_with=engine("lg_masked"))
        self.assertIsInstance(table.c.email.type, EmailType)

    def test_core_update_writes_the_mask_back(self):
        """a Core UPDATE of every column as read keeps the address"""
        with engine("lg_masked").begin() as conn:
            row = conn.execute(sa.select(Subscriber.__table__).where(Subscriber.id == server.JANE_ID)).one()
            conn.execute(
                sa.update(Subscriber.__table__)
                .where(Subscriber.id == row.id)
                .values(account_id=row.account_id, list_id=row.list_id, name="Jane (Core)", email=row.email)
            )
        self.assertTrue(server.stored_address_is(TABLE, server.JANE_ID, server.JANE))


if __name__ == "__main__":
    unittest.main()
