"""Attack: patch pytest (and the grader's checks) from inside the submission.

In a grader that imports student code into the test process, this wins:
Function.runtest becomes a no-op, every TestReport says "passed", the
grader's comparison helpers never fail. Here it runs in the worker, which
runs no tests, so the judge's pytest is untouched and the wrong add()
still loses its points.
"""
import sys

patched = []
try:
    import _pytest.python
    import _pytest.reports
    import _pytest.runner
    import pytest

    _pytest.python.Function.runtest = lambda self: None
    patched.append("Function.runtest")

    _orig_init = _pytest.reports.TestReport.__init__

    def _always_passed(self, *args, **kwargs):
        _orig_init(self, *args, **kwargs)
        self.outcome, self.longrepr = "passed", None

    _pytest.reports.TestReport.__init__ = _always_passed
    _pytest.reports.TestReport.failed = property(lambda self: False)
    _pytest.reports.TestReport.passed = property(lambda self: True)
    patched.append("TestReport")
    _pytest.runner.call_and_report = lambda item, when, log=True, **kw: _pytest.reports.TestReport(
        item.nodeid, item.location, {}, "passed", None, when)
    pytest.approx = lambda *a, **k: type("Anything", (), {"__eq__": lambda s, o: True})()
    patched.append("runner/approx")
except Exception as exc:  # noqa: BLE001
    patched.append(f"pytest patch failed: {exc!r}")

try:
    import autograder.testing as t
    import autograder.testing.compare as c

    for mod in (t, c):
        for name in ("assert_close", "assert_scalar", "assert_array", "assert_equal", "check", "fail"):
            setattr(mod, name, lambda *a, **k: None)
    patched.append("autograder.testing")
    for name in list(sys.modules):
        if name.startswith("autograder.plugin"):
            mod = sys.modules[name]
            if hasattr(mod, "GradingPlugin"):
                mod.GradingPlugin.pytest_runtest_makereport = lambda *a, **k: None
except Exception as exc:  # noqa: BLE001
    patched.append(f"autograder patch failed: {exc!r}")

print("patched:", ", ".join(patched))


def add(a, b):
    return a - b


def scale_rows(x, w):
    return x * w


def bump(config):
    config["count"] = config.get("count", 0) + 1
    return config["count"]


def apply(f, x):
    return f(x) + 1.0
