#!/usr/bin/env python3
"""Adds the "\\." line that psql 15.19 and later needs after a scripted
COPY ... FROM STDIN that fails before the server asks for data.

    copy_terminators.py SQL_DIR

Since 15.19 (CVE-2026-6464) psql skips the in-line data of a COPY ... FROM
STDIN on its own when the COPY fails at start, up to the next "\\." line;
before, it read on as SQL. The suite's tests written before 15.19 have no
data after such a COPY, so a newer psql swallows the rest of the file up to
the next "\\." (rowsecurity, generated, copy2, privileges ... lose most of
their output). PostgreSQL's own fix was to add "\\." after each such
command; this does the same to an older suite, for a newer psql: after every
COPY ... FROM STDIN statement whose next line is not data (a comment, a psql
meta-command, an SQL command, or a blank line that is not a row of its own
just before a "\\."), it inserts "\\.". A suite that already has the
terminators is left as it is. Prints what it changed.
"""
import glob
import os
import re
import sys

SQL_START = re.compile(
    r"^(--|\\|(copy|set|reset|grant|revoke|begin|commit|rollback|select|insert|update|delete|"
    r"create|drop|alter|truncate|table|with|savepoint|release|prepare|execute|deallocate|"
    r"declare|fetch|close|lock|vacuum|analyze|explain|comment|do|call)(\s|;|\(|$))",
    re.IGNORECASE)


def patch(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    out, added, i = [], 0, 0
    while i < len(lines):
        line = lines[i]
        if re.match(r"^\s*copy\b", line, re.IGNORECASE):
            # The statement runs to a line ending in ";" (not "\;", psql's
            # multi-statement separator), comments after it allowed.
            j = i
            while j < len(lines) and not re.search(r"(?<!\\);\s*(--.*)?$", lines[j]):
                j += 1
            stmt = " ".join(lines[i:j + 1])
            out.extend(lines[i:j + 1])
            nxt = lines[j + 1] if j + 1 < len(lines) else ""
            after = lines[j + 2] if j + 2 < len(lines) else ""
            if re.search(r"\bfrom\s+stdin\b", stmt, re.IGNORECASE) and nxt != "\\." \
                    and ((nxt.strip() == "" and after != "\\.") or SQL_START.match(nxt)):
                out.append("\\.")
                added += 1
            i = j + 1
            continue
        out.append(line)
        i += 1
    if added:
        with open(path, "w", encoding="utf-8") as f:
            f.write("\n".join(out))
        print(f"  {os.path.basename(path)}: {added}")
    return added


def main():
    total = sum(patch(p) for p in sorted(glob.glob(os.path.join(sys.argv[1], "*.sql"))))
    print(f"  {total} COPY ... FROM STDIN terminators added")


if __name__ == "__main__":
    main()
