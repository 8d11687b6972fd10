"""Runs the tests (unittest) and reports them as TAP: one "ok N - name" or
"not ok N - name" per test (a test with failed subtests is one "not ok"),
the traceback of a failure as "# " lines, and "1..N" at the end. Exits
non-zero if any test failed or none ran.

    tap.py [test_module ...]     # default: every tests/test_*.py
"""

import os
import sys
import traceback
import unittest


class TapResult(unittest.TestResult):
    def __init__(self, stream):
        super().__init__()
        self.stream = stream
        self.count = 0
        self.not_ok = 0
        self._subtest_errors = []  # of the running test
        self._reported = False

    def _line(self, ok, test, note=""):
        self._reported = True
        self.count += 1
        if not ok:
            self.not_ok += 1
        if isinstance(test, unittest.TestCase):
            name = "%s.%s" % (type(test).__module__, test._testMethodName)
            doc = test.shortDescription()
        else:  # a module or class set-up that failed
            name, doc = str(test), None
        self.stream.write("%s %d - %s%s%s\n" % ("ok" if ok else "not ok", self.count, name, ": " + doc if doc else "", note))
        self.stream.flush()

    def _details(self, err, title=None):
        if title:
            self.stream.write("#   %s\n" % title)
        for line in "".join(traceback.format_exception(*err)).rstrip().splitlines():
            self.stream.write("#   %s\n" % line)

    def startTest(self, test):
        super().startTest(test)
        self._subtest_errors = []
        self._reported = False

    def stopTest(self, test):
        # A test whose subtests failed gets neither addSuccess nor addFailure.
        if not self._reported and self._subtest_errors:
            self._line(False, test, " (%d subtests failed)" % len(self._subtest_errors))
            for subtest, err in self._subtest_errors:
                self._details(err, subtest._subDescription())
        super().stopTest(test)

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._subtest_errors.append((subtest, err))

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(True, test)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._line(False, test)
        self._details(err)

    def addError(self, test, err):
        super().addError(test, err)
        self._line(False, test, " (error)")
        self._details(err)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self._line(True, test, " # SKIP %s" % reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._line(True, test, " # TODO expected failure")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._line(False, test, " (unexpected success)")


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    loader = unittest.TestLoader()
    if argv:
        suite = loader.loadTestsFromNames(argv)
    else:
        suite = loader.discover(here, pattern="test_*.py", top_level_dir=here)
    result = TapResult(sys.stdout)
    suite.run(result)
    print("1..%d" % result.count)
    print("# %d passed, %d failed" % (result.count - result.not_ok, result.not_ok))
    return 1 if result.not_ok or result.count == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
