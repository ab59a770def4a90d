"""The pytest plugin the judge runs hidden and public suites with.

Authors write ordinary pytest tests against the ``submission`` fixture and
mark them:

    @pytest.mark.points(2)                       # per test case (each parametrization)
    @pytest.mark.hint("Divide by the number of rows n.")
    @pytest.mark.visibility("after_due_date")    # visible | hidden | after_due_date | after_published
    @pytest.mark.tags("gradient")
    def test_gradient(submission, reference, rng): ...

Fixtures: ``submission`` (the proxy into the worker), ``reference`` (the
reference module, judge-side only), ``seed`` and ``rng`` (fixed per test
and reported on failure), ``add_figure`` (a picture for the HTML feedback). The plugin turns each test case into a
``TestResult``; it decides what a student may read about a failure.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
import zlib
from typing import Any, Callable, Iterator

import numpy as np
import pytest

from autograder.assignments import Assignment
from autograder.judge.errors import SubmissionFault, TimeBudgetExceeded
from autograder.judge.proxy import SubmissionProxy
from autograder.judge.trusted_code import load_reference
from autograder.reports.figures import figure_png
from autograder.scoring.results import TestResult
from autograder.testing import GradingFailure

MARKERS = {
    "points(n)": "points for each case of this test (default 1)",
    "hint(text)": "shown to the student when the test fails",
    "visibility(v)": "visible, hidden, after_due_date or after_published",
    "tags(*names)": "tags for statistics and feedback",
}


def _marker_arg(item: pytest.Item, name: str, default: Any) -> Any:
    marker = item.get_closest_marker(name)
    return marker.args[0] if marker is not None and marker.args else default


def grader_seed(assignment_seed: int, nodeid: str) -> int:
    """The seed of test ``nodeid``: stable across runs, different per test, shared with plain-pytest handouts."""
    return (assignment_seed * 1_000_003 + zlib.crc32(nodeid.encode())) % (2**32)


def describe_failure(exc: BaseException, show_asserts: bool) -> str:
    """What the student reads about a failed test; never the test's own frames."""
    if isinstance(exc, GradingFailure):
        return str(exc)
    if isinstance(exc, SubmissionFault):
        return exc.feedback()
    if isinstance(exc, pytest.fail.Exception):
        return exc.msg or "the test failed"
    if isinstance(exc, AssertionError):
        text = str(exc).strip()
        if show_asserts:
            return text or "a check failed"
        # hidden suites run with --assert=plain: only the author's own message is shown
        return text.splitlines()[0] if text else "a check in this test failed"
    return f"the grader could not check your result ({type(exc).__name__}: {str(exc)[:300]})"


class GradingPlugin:
    def __init__(self, assignment: Assignment, proxy: SubmissionProxy, suite: str,
                 visibility_default: str | None = None) -> None:
        self.spec = assignment
        self.proxy = proxy
        self.public = suite == "public"
        self.visibility_default = visibility_default or ("visible" if self.public else assignment.default_visibility)
        self.results: dict[str, TestResult] = {}
        self.collection_errors: list[str] = []
        self.declared_mistakes: dict[str, str | None] = {}  # nodeid -> mutant named by the failed check
        self._output: list[str] = []
        self._started = 0.0

    # --- fixtures -------------------------------------------------------------
    @pytest.fixture(scope="session")
    def submission(self) -> SubmissionProxy:
        return self.proxy

    @pytest.fixture(scope="session")
    def reference(self) -> Any:
        return load_reference(self.spec.reference)

    @pytest.fixture(scope="session")
    def assignment(self) -> Assignment:
        return self.spec

    @pytest.fixture
    def seed(self, request: pytest.FixtureRequest) -> int:
        nodeid = request.node.nodeid
        value = grader_seed(self.spec.seed, nodeid)
        if nodeid in self.results:
            self.results[nodeid].seed = value
        return value

    @pytest.fixture
    def rng(self, seed: int) -> np.random.Generator:
        return np.random.default_rng(seed)

    @pytest.fixture
    def add_figure(self, request: pytest.FixtureRequest) -> Callable[[str, Any], None]:
        """``add_figure(title, matplotlib_figure)``: a picture for the HTML feedback."""
        result = self.results.get(request.node.nodeid)

        def add(title: str, figure: Any) -> None:
            if result is not None:
                result.figures.append({"title": title, "png": figure_png(figure)})

        return add

    # --- hooks --------------------------------------------------------------------
    def pytest_configure(self, config: pytest.Config) -> None:
        for spec, text in MARKERS.items():
            config.addinivalue_line("markers", f"{spec}: {text}")
        self.proxy._conn.on_output = self._on_output

    def _on_output(self, text: str, truncated: bool) -> None:
        self._output.append(text + ("\n[... output truncated]" if truncated else ""))

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors.append(f"{report.nodeid}: {str(report.longrepr)[-2000:]}")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        for item in items:
            visibility = _marker_arg(item, "visibility", self.visibility_default)
            tags_marker = item.get_closest_marker("tags")
            self.results[item.nodeid] = TestResult(
                nodeid=item.nodeid, name=item.name.replace("test_", "", 1),
                max_score=float(_marker_arg(item, "points", 1.0)),
                hint=str(_marker_arg(item, "hint", "")), visibility=str(visibility),
                tags=list(tags_marker.args) if tags_marker else [],
            )

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        self.proxy.call_log.current = item.nodeid
        self._output = []
        self._started = time.monotonic()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Any:
        """A wall-clock limit on the judge's side of a test too.

        Calls into the worker have their own limits, but a test may spend
        judge time on what the student returned (simplifying a sympy
        expression, say); that must not stall the run either.
        """
        with judge_time_limit(self.spec.limits.total_timeout, item.nodeid):
            yield

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> Any:
        outcome = yield
        report: pytest.TestReport = outcome.get_result()
        result = self.results.get(item.nodeid)
        if result is None:
            return
        if report.when == "call" or (report.when == "setup" and not report.passed):
            result.duration = time.monotonic() - self._started
            result.output = "".join(self._output)[-self.spec.limits.output_cap:]
            if report.passed:
                result.status, result.score, result.feedback = "passed", result.max_score, ""
            elif report.skipped:
                result.status, result.score, result.max_score = "skipped", 0.0, 0.0
                result.feedback = _skip_reason(report)
            else:
                result.status, result.score = "failed", 0.0
                exc = call.excinfo.value if call.excinfo is not None else None
                result.feedback = describe_failure(exc, self.public) if exc else "the test failed"
                self.declared_mistakes[item.nodeid] = getattr(exc, "mistake", None)
                if self.public:  # public inputs are no secret: show the calls so the student can reproduce
                    result.feedback += _calls_made(self.proxy.call_log.calls.get(item.nodeid, []))


@contextlib.contextmanager
def judge_time_limit(seconds: float, what: str) -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield  # signals reach only the main thread; the worker-side limits still apply
        return

    def expire(signum: int, frame: Any) -> None:
        raise TimeBudgetExceeded(f"checking this test took longer than {seconds:g} s and was stopped")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _calls_made(calls: list, limit: int = 3) -> str:
    if not calls:
        return ""
    with np.printoptions(precision=4, threshold=20, edgeitems=2):
        shown = []
        for c in calls[:limit]:
            args = ", ".join([repr(a) for a in c.args] + [f"{k}={v!r}" for k, v in c.kwargs.items()])
            shown.append(f"  {c.function}({args[:300]}{'...' if len(args) > 300 else ''})")
    more = f"\n  ... and {len(calls) - limit} more" if len(calls) > limit else ""
    return "\nCalls this test made:\n" + "\n".join(shown) + more


def _skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        return str(longrepr[2]).removeprefix("Skipped: ")
    return "skipped"
