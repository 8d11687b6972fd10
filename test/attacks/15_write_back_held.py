# HELD (attack2, write-back accounting over the extended protocol): custom
# and generic plans, text and binary parameters. A placeholder parameter is
# accepted only as the new value of an email column of an UPDATE (directly,
# in COALESCE or in a CASE result), and refused in WHERE, in a CASE
# condition, in a subquery, in a SELECT. (Generic plans also accept one in
# a FROM subquery the planner throws away: it never runs.)
# Needs the fixture of setup.sql and PGHOST/PGPORT.
import os, psycopg
dsn = f"host={os.environ.get('PGHOST', '/tmp')} port={os.environ.get('PGPORT', '5432')} dbname=atk user=a_writer"
c = psycopg.connect(dsn, autocommit=True)
M = 'u***@example.com'
shapes = [
    ("UPDATE subs SET email = %s WHERE id = 3", (M,)),
    ("UPDATE subs SET email = %s WHERE id = 3 AND email = %s", (M, M)),
    ("UPDATE subs SET email = CASE WHEN %s::listguard.email IS NULL THEN email ELSE %s END WHERE id = 3", (M, M)),
    ("UPDATE subs SET email = COALESCE(%s, email) WHERE id = 3", (M,)),
    ("WITH x AS (SELECT 1) UPDATE subs SET email = %s WHERE id = 3", (M,)),
    ("UPDATE subs SET email = %s WHERE id = (SELECT 3 WHERE %s::listguard.email IS NOT NULL)", (M, M)),
    ("UPDATE subs SET email = %s FROM (SELECT %s::listguard.email e) x WHERE id = 3", (M, M)),
    ("UPDATE subs SET email = %s WHERE id = 3 RETURNING listguard._written_back(email, %s::listguard.email, 'subs', 4::int2)", (M, M)),
    ("UPDATE subs SET email = %s WHERE id = 3", ('x***@example.com',)),
    ("SELECT %s::listguard.email IS NULL", (M,)),
]
for mode in ['force_custom_plan', 'force_generic_plan']:
    c.execute(f"SET plan_cache_mode = {mode}")
    for binary in (False, True):
        for q, p in shapes:
            try:
                cur = c.cursor(binary=binary)
                cur.execute(q, p, prepare=True)
                r = 'accepted'
            except psycopg.Error as e:
                r = 'refused: ' + str(e).splitlines()[0]
            print(f"{mode:18} {'bin' if binary else 'txt'} {r:40} {q[:80]}")
