#!/usr/bin/env python3
"""Compares one run of PostgreSQL's regression suite with the plain run.

    compare.py --schedule S --expected-dir D --baseline A/results \
               --results B/results --mode NAME --allowed FILE --diffs OUT

For every test of the schedule (tests on an "ignore:" line are skipped):
the test's output in this run must be the plain run's, or one of the
suite's own expected outputs (the plain run flaked, this one did not), or
differ from the plain run only in lines that an entry of the allowed list
matches. Every changed line counts: a line the plain run printed and this
run did not ("-"), and a line only this run printed ("+"); but a removed
and an added line of one hunk that differ only in spacing (psql realigns a
table when a row is added or a value is wider) cancel out.

The allowed list (test/postgres-suite/expected-differences) is made of
entries separated by blank lines:

    test: create_role            (a test name; shell wildcards allowed)
    mode: preloaded extension    (the runs it applies to)
    line: ^\\+NOTICE:  listguard  (a regular expression, searched in a changed
                                   line with its leading + or -; repeatable)
    why:  one line for the manual

Prints each unexplained line with the hunk it belongs to, writes every
difference (unified, 3 lines of context) to --diffs, prints entries that
matched nothing (stale) as notes, and exits 1 if anything is unexplained.
"""
import argparse
import difflib
import fnmatch
import os
import re
import sys

MODES = {"preloaded", "extension"}
SHOW = 30  # unexplained lines printed per test
SHOW_TESTS = 10  # tests whose unexplained lines are printed (then only names)


def parse_allowed(path):
    entries, cur, lineno_of = [], None, {}
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    def close():
        if cur is None:
            return
        for key in ("test", "mode", "line", "why"):
            if not cur.get(key):
                sys.exit(f"{path}:{cur['at']}: entry without '{key}:'")
        bad = set(cur["mode"]) - MODES
        if bad:
            sys.exit(f"{path}:{cur['at']}: unknown mode {' '.join(sorted(bad))}")
        entries.append(cur)
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip()
        if line.startswith("#"):
            continue
        if not line.strip():
            close()
            cur = None
            continue
        m = re.match(r"^(test|mode|line|why):\s?(.*)$", line)
        if not m:
            sys.exit(f"{path}:{n}: expected 'test:', 'mode:', 'line:' or 'why:'")
        key, value = m.group(1), m.group(2)
        if cur is None:
            cur = {"at": n, "line": [], "hits": 0}
        if key == "line":
            try:
                cur["line"].append(re.compile(value))
            except re.error as e:
                sys.exit(f"{path}:{n}: bad regular expression: {e}")
        elif key == "mode":
            cur["mode"] = value.split()
        elif key in cur:
            sys.exit(f"{path}:{n}: '{key}:' twice in one entry")
        else:
            cur[key] = value.strip()
    close()
    return entries


def schedule_tests(path):
    tests, ignored = [], set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^(test|ignore):\s*(.*)$", line.strip())
            if not m:
                continue
            names = m.group(2).split()
            if m.group(1) == "test":
                tests.extend(names)
            else:
                ignored.update(names)
    return [t for t in tests if t not in ignored], ignored


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read().splitlines()


def matches_expected(lines, expected_dir, test):
    for name in sorted(os.listdir(expected_dir)):
        if re.fullmatch(re.escape(test) + r"(_[0-9]+)?\.out", name):
            if read(os.path.join(expected_dir, name)) == lines:
                return True
    return False


def aligned(line):
    """A psql table line without its alignment: an extra row or a wider
    value changes the padding of every row and the ruler line."""
    body = line[1:]
    if re.fullmatch(r"[-+]+", body.strip()):
        return "ruler:" + re.sub(r"-+", "-", body.strip())
    return " ".join(body.split())


def hunks(base, this):
    """The changed lines of each hunk (diff -U0), with its header, less the
    pairs of a removed and an added line that differ only in alignment."""
    hunk, changed = None, []
    for l in difflib.unified_diff(base, this, n=0, lineterm=""):
        if hunk is None and (l.startswith("---") or l.startswith("+++")):
            continue  # the file names
        if l.startswith("@@"):
            if hunk:
                yield hunk, realigned_out(changed)
            hunk, changed = l, []
            continue
        changed.append(l)
    if hunk:
        yield hunk, realigned_out(changed)


def realigned_out(changed):
    added = {}
    for i, l in enumerate(changed):
        if l.startswith("+"):
            added.setdefault(aligned(l), []).append(i)
    dropped = set()
    for i, l in enumerate(changed):
        if l.startswith("-") and added.get(aligned(l)):
            dropped.add(i)
            dropped.add(added[aligned(l)].pop(0))
    return [l for i, l in enumerate(changed) if i not in dropped]


def main():
    ap = argparse.ArgumentParser()
    for opt in ("schedule", "expected-dir", "baseline", "results", "mode", "allowed", "diffs"):
        ap.add_argument("--" + opt, required=True)
    a = ap.parse_args()
    entries = [e for e in parse_allowed(a.allowed) if a.mode in e["mode"]]
    tests, _ = schedule_tests(a.schedule)

    unexplained = 0
    explained_tests, quiet_tests = [], []
    with open(a.diffs, "w", encoding="utf-8") as out:
        for test in tests:
            base_path = os.path.join(a.baseline, test + ".out")
            this_path = os.path.join(a.results, test + ".out")
            if not os.path.exists(this_path):
                print(f"  {test}: no output in the {a.mode} run")
                unexplained += 1
                continue
            if not os.path.exists(base_path):
                print(f"  {test}: no output in the plain run")
                unexplained += 1
                continue
            base, this = read(base_path), read(this_path)
            if base == this:
                continue
            if matches_expected(this, a.expected_dir, test):
                # The plain run differs from PostgreSQL's expected output here
                # (a timing-dependent test) and this run does not.
                continue
            out.writelines(l + "\n" for l in difflib.unified_diff(
                base, this, f"plain/{test}.out", f"{a.mode}/{test}.out", n=3, lineterm=""))
            mine = [e for e in entries if fnmatch.fnmatchcase(test, e["test"])]
            bad, shown_hunk = 0, None
            show = SHOW if unexplained < SHOW_TESTS else 0
            for hunk, changed in hunks(base, this):
                for l in changed:
                    hit = None
                    for e in mine:
                        if any(p.search(l) for p in e["line"]):
                            hit = e
                            break
                    if hit:
                        hit["hits"] += 1
                        continue
                    if bad == 0 and show:
                        print(f"  {test}: unexplained difference from the plain run:")
                    if bad < show:
                        if shown_hunk != hunk:
                            print(f"    {hunk}")
                            shown_hunk = hunk
                        print(f"    {l[:300]}")
                    bad += 1
            if show and bad > show:
                print(f"    ... and {bad - show} more unexplained lines")
            if bad and not show:
                quiet_tests.append(test)
            if bad:
                unexplained += 1
            else:
                explained_tests.append(test)

    if quiet_tests:
        print(f"  also unexplained differences in {len(quiet_tests)} more tests: {' '.join(quiet_tests)}")
    for e in entries:
        if e["hits"] == 0:
            print(f"  note: expected difference not seen in the {a.mode} run "
                  f"(line {e['at']} of {os.path.basename(a.allowed)}, {e['test']}): {e['why']}")
    print(f"  {a.mode}: {len(explained_tests)} tests differ as expected"
          + (f" ({' '.join(explained_tests)})" if explained_tests else "")
          + f", {unexplained} with unexplained differences")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
