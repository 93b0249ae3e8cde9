"""`python3 -m timed test_x ...`: unittest's verbose run, then the slowest tests and modules with their seconds.

The test command runs under a time limit on CI, so each run says where its time went. A test's time runs from the
end of the one before, so it includes its class's setUpClass (a server started for the whole class).
"""
import collections
import sys
import time
import unittest


class TimedResult(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.last, self.times = time.time(), []

    def stopTest(self, test):
        super().stopTest(test)
        now = time.time()
        self.times.append((now - self.last, test.id()))
        self.last = now


class TimedRunner(unittest.TextTestRunner):
    resultclass = TimedResult

    def run(self, test):
        result = super().run(test)
        modules = collections.Counter()
        for seconds, name in result.times:
            modules[name.split(".")[0]] += seconds
        self.stream.writeln("slowest modules: " + ", ".join(
            "%s %.0f s" % module_seconds for module_seconds in modules.most_common()))
        self.stream.writeln("slowest tests:")
        for seconds, name in sorted(result.times, reverse=True)[:10]:
            self.stream.writeln("  %6.1f s  %s" % (seconds, name))
        return result


if __name__ == "__main__":
    unittest.main(module=None, argv=[sys.argv[0], "-v"] + sys.argv[1:], testRunner=TimedRunner)
