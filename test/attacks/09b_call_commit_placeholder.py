# FINDING (attack2, write-back; see 09_rule_stores_placeholder.sql): a
# parameter bound to CALL is made a placeholder (the Bind runs at statement
# depth 0) and counted as pending; a procedure that COMMITs clears the count
# (placeholders_at_transaction_end) and then stores its argument.
# Needs the fixture of setup.sql and PGHOST/PGPORT; run as a_writer with
# CREATE on public (the .sql sets it up and takes it back).
import os, psycopg
dsn = f"host={os.environ.get('PGHOST', '/tmp')} port={os.environ.get('PGPORT', '5432')} dbname=atk"
with psycopg.connect(dsn + " user=postgres", autocommit=True) as su:
    su.execute("GRANT CREATE ON SCHEMA public TO a_writer")
c = psycopg.connect(dsn + " user=a_writer", autocommit=True)
c.execute("CREATE TABLE keep (e listguard.email)")
c.execute("""CREATE PROCEDURE keepit(e anyelement) LANGUAGE plpgsql AS $$
BEGIN COMMIT; INSERT INTO keep VALUES (e::listguard.email); END $$""")
c.execute("CALL keepit(%s::listguard.email)", ("j***@example.com",))
print("stored:", c.execute("SELECT count(*), min(pg_column_size(e)) FROM keep").fetchone())
try:
    c.execute("SELECT e FROM keep").fetchall()
except psycopg.Error as e:
    print("reading it:", str(e).splitlines()[0])
c.execute("DROP TABLE keep"); c.execute("DROP PROCEDURE keepit(anyelement)")
with psycopg.connect(dsn + " user=postgres", autocommit=True) as su:
    su.execute("REVOKE CREATE ON SCHEMA public FROM a_writer")
