"""One grading run: submission in, ``GradingResult`` out.

normalise -> static scan -> start the worker through a backend -> pytest
with the grading plugin in this (trusted) process -> diagnose failed calls
-> result. Whatever a submission does, this returns a result; only a fault
of the grader itself (a broken test suite, no sandbox) raises.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import time
from pathlib import Path

import pytest

from autograder.assignments import Assignment
from autograder.judge.connection import WorkerConnection
from autograder.judge.proxy import SubmissionProxy
from autograder.plugin.grading import MARKERS, GradingPlugin, judge_time_limit
from autograder.sandbox import Backend, get_backend
from autograder.sandbox.unsandboxed import WARNING as UNSANDBOXED_WARNING
from autograder.scoring.diagnosis import diagnose
from autograder.scoring.results import GradingResult, TestResult
from autograder.submissions import SubmissionError, normalize, scan_forbidden


DIAGNOSIS_SECONDS = 10.0


class SuiteError(RuntimeError):
    """The test suite itself is broken (a collection error): a grader fault."""


def grade(assignment: Assignment, submission_path: Path, backend: Backend | str = "local",
          suite: str = "hidden", diagnose_mistakes: bool = True) -> GradingResult:
    started = time.monotonic()
    if backend == "zygote":  # one template per process, preloading what this assignment's reference imports
        from autograder.sandbox.zygote import backend_for

        backend = backend_for(assignment)
    backend = get_backend(backend) if isinstance(backend, str) else backend
    result = GradingResult(assignment.name, assignment.version, backend=backend.name, sandboxed=backend.sandboxed)
    if not backend.sandboxed:
        result.messages.append(UNSANDBOXED_WARNING)
    try:
        submission = normalize(submission_path, assignment.module)
    except SubmissionError as exc:
        result.error = str(exc)
        result.messages.append(f"Your submission could not be graded: {exc}")
        result.tests = [_zero_entry(t) for t in collect_tests(assignment, suite)]
        result.execution_time = time.monotonic() - started
        return result
    try:
        result.messages += submission.notes
        findings = scan_forbidden(submission.folder, assignment.forbidden)
        conn = WorkerConnection(backend, submission.folder, assignment.module, assignment.limits,
                                list(assignment.forbidden), assignment.secrets())
        proxy = SubmissionProxy(conn)
        try:
            plugin = run_suite(assignment, proxy, suite)
        finally:
            conn.close()
        result.tests = list(plugin.results.values())
        if diagnose_mistakes:
            _attach_diagnoses(assignment, result, proxy, plugin.declared_mistakes)
        if findings:
            result.score_override = 0.0
            result.messages.insert(0, "Score set to 0: this assignment does not allow "
                                   f"{', '.join(assignment.forbidden)}. Found: " + "; ".join(findings))
    finally:
        submission.cleanup()
    result.execution_time = time.monotonic() - started
    return result


def suite_dir(assignment: Assignment, suite: str) -> Path:
    if suite not in ("public", "hidden"):
        raise ValueError(f"suite must be 'public' or 'hidden', not {suite!r}")
    return assignment.public_tests if suite == "public" else assignment.hidden_tests


def pytest_args(assignment: Assignment, suite: str) -> list[str]:
    # rootdir above the assignment: importlib mode names modules by path from it, so two assignments'
    # test_public.py never share a module name when one process grades both (validate --all, batch)
    args = [str(suite_dir(assignment, suite)), "-c", os.devnull, "--rootdir", str(assignment.root.parent),
            "--confcutdir", str(assignment.root),  # no conftest.py from folders above the assignment
            "--import-mode=importlib", "-p", "no:cacheprovider", "-p", "no:stepwise", "-q", "-s",
            "--tb=no",  # tracebacks are never shown to students, and formatting one reprs (evaluates) their values
            "-W", "ignore::pytest.PytestAssertRewriteWarning"]
    if suite == "hidden":
        args.append("--assert=plain")  # rewritten asserts would print expected values
    return args


def run_suite(assignment: Assignment, proxy: SubmissionProxy, suite: str) -> GradingPlugin:
    plugin = GradingPlugin(assignment, proxy, suite)
    sink = io.StringIO()
    try:
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            code = pytest.main(pytest_args(assignment, suite), plugins=[plugin])
    finally:
        _forget_test_modules(assignment.root)
    if plugin.collection_errors or code in (pytest.ExitCode.INTERNAL_ERROR, pytest.ExitCode.USAGE_ERROR):
        detail = "\n".join(plugin.collection_errors) or sink.getvalue()[-3000:]
        raise SuiteError(f"the {suite} tests of {assignment.name} could not run:\n{detail}")
    return plugin


def _forget_test_modules(root: Path) -> None:
    """Drops the suite's modules, so a later run (another course with the same names) imports its own."""
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if file and Path(file).is_relative_to(root):
            del sys.modules[name]


def collect_tests(assignment: Assignment, suite: str) -> list[TestResult]:
    """The suite's test cases without running them (for a submission that never ran)."""
    plugin = GradingPlugin(assignment, SubmissionProxy(None), suite)  # type: ignore[arg-type]
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        pytest.main([*pytest_args(assignment, suite), "--collect-only"], plugins=[_CollectOnly(plugin)])
    return list(plugin.results.values())


class _CollectOnly:
    """Registers only the collection hook (no worker is attached)."""

    def __init__(self, plugin: GradingPlugin) -> None:
        self._plugin = plugin

    def pytest_configure(self, config: pytest.Config) -> None:
        for spec, text in MARKERS.items():
            config.addinivalue_line("markers", f"{spec}: {text}")

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        self._plugin.pytest_collection_modifyitems(items)


def _zero_entry(test: TestResult) -> TestResult:
    test.status, test.score, test.feedback = "failed", 0.0, "not run: the submission could not be graded"
    return test


def _attach_diagnoses(assignment: Assignment, result: GradingResult, proxy: SubmissionProxy,
                      declared: dict[str, str | None]) -> None:
    mutants = assignment.mutants()
    by_name = {m.name: m for m in mutants}
    for test in result.tests:
        if test.status != "failed":
            continue
        named = declared.get(test.nodeid)
        if named in by_name:  # the failed check itself says which known mistake this is
            found = [by_name[named]]
        else:
            try:  # comparing a student's value (a huge sympy tree) must not stall or crash the run
                with judge_time_limit(DIAGNOSIS_SECONDS, test.nodeid):
                    found = diagnose(assignment, proxy.call_log.calls.get(test.nodeid, []), mutants)
            except (Exception, RecursionError):  # noqa: BLE001 - no diagnosis is better than no result
                found = []
        test.diagnosis = [{"mutant": m.name, "title": m.title, "hint": m.hint} for m in found[:2]]
