"""Public tests run inside the student's own Python process, on the student's own machine.

Why this exists: a student who unpacked the handout can run plain ``pytest``,
and a course on otter-grader can run ``grader.check(...)`` in a notebook,
without the grader's sandbox. Both run the very same public test files, with
``submission`` standing for the student's module (or notebook globals)
imported in-process. That is acceptable only because it is the student's
own code on the student's own machine: grading never goes through here (the
judge always uses the sandboxed proxy).

Seeds are the grader's own, so a public test that fails here fails the same
way, with the same inputs, under ``autograder check``.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import io
import os
import sys
import tempfile
import traceback
import types
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from autograder.plugin.grading import MARKERS, grader_seed
from autograder.testing import GradingFailure

#: fixtures of the grading plugin that only the judge can provide; public tests must not use them
JUDGE_ONLY_FIXTURES = ("reference", "assignment")


class InProcessSubmission:
    """What tests call as ``submission``: the student's own objects, called directly."""

    def __init__(self, names: Mapping[str, Any] | Callable[[], Mapping[str, Any]], where: str) -> None:
        self._names = names
        self._where = where

    def _resolve(self) -> Mapping[str, Any]:
        if callable(self._names):  # a module imported on first use: an import error fails tests, not pytest
            self._names = self._names()
        return self._names

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = self._resolve().get(name)
        if value is None:  # otter fills a missing global with None
            raise AttributeError(f"{self._where} does not define {name!r}")
        return value

    def library(self, qualified_name: str, *args: Any, **kwargs: Any) -> Any:
        """Same as the proxy's ``library``: build a library object (``torch.nn.ReLU``) next to the student's code."""
        parts = qualified_name.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            try:
                obj: Any = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
            return obj(*args, **kwargs)
        raise ImportError(f"cannot import {qualified_name}")


def module_namespace(path: Path, module: str) -> Callable[[], Mapping[str, Any]]:
    """A loader for the student's ``.py`` or ``.ipynb`` (code cells, as the grader reads notebooks)."""
    path = Path(path).resolve()

    def load() -> Mapping[str, Any]:
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist: put your {module}.py here, or pass --submission")
        if str(path.parent) not in sys.path:
            sys.path.insert(0, str(path.parent))  # helper modules next to the student's file import as usual
        mod = types.ModuleType(module)
        mod.__file__ = str(path)
        if path.suffix == ".ipynb":
            from autograder.submissions.normalize import notebook_to_module

            source = notebook_to_module(path, [])
        else:
            source = path.read_text(encoding="utf-8")
        sys.modules[module] = mod  # dataclasses and pickling look the module up by name
        exec(compile(source, str(path), "exec"), mod.__dict__)  # noqa: S102 - the student's own code, their machine
        return vars(mod)

    return load


class InProcessPlugin:
    """The grading plugin's fixtures and markers, without a sandbox, for plain pytest."""

    def __init__(self, submission: InProcessSubmission, assignment: str, seed: int, assignment_root: Path) -> None:
        self._submission = submission
        self._assignment = assignment
        self._seed = seed
        self._root = Path(assignment_root).resolve()
        self.outcomes: dict[str, tuple[str, str]] = {}  # nodeid -> (passed|failed|skipped, message)

    def grader_nodeid(self, item: pytest.Item) -> str:
        """The node id the grader sees: ``<assignment>/tests/public/<file>::<test>``."""
        rel = Path(item.path).resolve().relative_to(self._root).as_posix()
        return f"{self._assignment}/{rel}::{item.nodeid.split('::', 1)[1]}"

    @pytest.fixture(scope="session")
    def submission(self) -> InProcessSubmission:
        return self._submission

    @pytest.fixture
    def seed(self, request: pytest.FixtureRequest) -> int:
        return grader_seed(self._seed, self.grader_nodeid(request.node))

    @pytest.fixture
    def rng(self, seed: int) -> np.random.Generator:
        return np.random.default_rng(seed)

    @pytest.fixture
    def add_figure(self) -> Callable[[str, Any], None]:
        """Pictures go to the HTML feedback of a graded run; here they are only closed."""

        def add(title: str, figure: Any) -> None:
            plt = sys.modules.get("matplotlib.pyplot")
            if plt is not None:
                plt.close(figure)

        return add

    def pytest_configure(self, config: pytest.Config) -> None:
        for spec, text in MARKERS.items():
            config.addinivalue_line("markers", f"{spec}: {text}")

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo) -> Any:
        outcome = yield
        report: pytest.TestReport = outcome.get_result()
        if report.when == "call" or not report.passed:
            status = "passed" if report.passed else "skipped" if report.skipped else "failed"
            message = describe(call.excinfo.value, self._root) if call.excinfo and status == "failed" else ""
            self.outcomes.setdefault(item.nodeid, (status, message))


def describe(exc: BaseException, tests_root: Path) -> str:
    """A failure as the student should read it: the check's message, or their own error and where."""
    if isinstance(exc, GradingFailure):
        return str(exc)
    if isinstance(exc, pytest.fail.Exception):
        return exc.msg or "the test failed"
    if isinstance(exc, AssertionError):
        return str(exc).strip() or "a check failed"
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not f.filename.startswith(str(tests_root)) and "site-packages" not in f.filename]
    where = f" (in {Path(frames[-1].filename).name}, line {frames[-1].lineno}, in {frames[-1].name})" if frames else ""
    text = str(exc).strip()
    return f"{type(exc).__name__}{': ' + text if text else ''}{where}"


def under_grader(config: pytest.Config) -> bool:
    """True inside ``autograder check``/``grade``: the judge brings its own sandboxed fixtures."""
    from autograder.plugin.grading import GradingPlugin

    return any(isinstance(p, GradingPlugin) for p in config.pluginmanager.get_plugins())


def run_public_case(sources: Mapping[str, str], nodeid: str, names: Mapping[str, Any], assignment: str,
                    seed: int) -> None:
    """Runs one public test case (``tests/public/<file>::<test>[<id>]``) against ``names``.

    For otter-grader's exception-based test files: raises ``AssertionError``
    with the student-facing message when the case fails, returns when it passes.
    ``sources`` are the public test folder's files (path -> text), shipped
    inside the otter test file because otter runs it without a ``__file__``.
    """
    with tempfile.TemporaryDirectory(prefix="autograder-otter-") as tmp:
        root = Path(tmp) / assignment
        for rel, text in sources.items():
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        plugin = InProcessPlugin(InProcessSubmission(names, "your notebook"), assignment, seed, root)
        sink = io.StringIO()
        before = set(sys.modules)
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink), _no_plugin_autoload():
                pytest.main([str(root / nodeid), "-c", os.devnull, "--rootdir", str(root),
                             "--import-mode=importlib", "-p", "no:cacheprovider", "-q", "--capture=sys",
                             "-W", "ignore::pytest.PytestAssertRewriteWarning"], plugins=[plugin])
        finally:
            _forget_test_modules(set(sys.modules) - before, tmp)
    if not plugin.outcomes:
        raise RuntimeError(f"the public test {nodeid} could not run:\n{sink.getvalue()[-2000:]}")
    for status, message in plugin.outcomes.values():
        if status == "failed":
            raise AssertionError(message)


@contextlib.contextmanager
def _no_plugin_autoload() -> Iterator[None]:
    """Only our plugin is needed: skipping the environment's pytest plugins halves a check's time."""
    previous = os.environ.get("PYTEST_DISABLE_PLUGIN_AUTOLOAD")
    os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
        else:
            os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = previous


def _forget_test_modules(names: set[str], folder: str) -> None:
    """Drops the test modules one run imported from ``folder`` (and pytest's empty parents of them).

    pytest's importlib mode reuses a module already in ``sys.modules`` under the
    same dotted name, so without this a later check in the same notebook kernel
    would run the first check's (maybe outdated) test code.
    """
    roots = (folder, os.path.realpath(folder))
    for name in names:
        module = sys.modules.get(name)
        origin = str(getattr(module, "__file__", None) or "")
        empty = (getattr(module, "__doc__", None) or "").startswith("Empty module created by pytest")
        if empty or (origin and (origin.startswith(roots) or os.path.realpath(origin).startswith(roots))):
            sys.modules.pop(name, None)
