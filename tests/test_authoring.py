"""Instructor tooling: ``new`` templates, the student handout, the notebook, Gradescope and otter exports."""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import stat
import subprocess
import sys
import types
import zipfile
from pathlib import Path
from unittest import mock

import nbformat
import pytest
import tomllib

from autograder.assignments import Assignment, find_assignments, get_assignment
from autograder.authoring.export_gradescope import _installed_pyproject, export_gradescope
from autograder.authoring.export_otter import export_otter
from autograder.authoring.handout import HandoutError, build_handout, judge_only_fixture_uses
from autograder.authoring.inprocess import grader_seed
from autograder.authoring.new import TEMPLATES, NewAssignmentError, create
from autograder.authoring.notebook import build_notebook, starter_parts
from autograder.authoring.validate import validate
from autograder.cli import authoring_commands
from autograder.cli import main as cli_main
from autograder.judge.run import grade
from autograder.judge.trusted_code import mutant_source

GRADESCOPE_TEST_KEYS = {"name", "number", "score", "max_score", "status", "output", "output_format", "tags",
                        "visibility", "extra_data"}
ROOT = Path(__file__).resolve().parents[1]


def cli(*argv: str) -> int:
    """The ``autograder`` command with the authoring commands, whether or not main.py registers them yet."""
    parser = cli_main.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "new" not in sub.choices:
        authoring_commands.add_parsers(sub)
    with mock.patch.object(cli_main, "build_parser", return_value=parser):
        return cli_main.main(list(argv))


@pytest.fixture
def demo(tmp_path: Path) -> Assignment:
    """A fresh course holding one assignment made from the numpy template."""
    course = tmp_path / "course"
    assert cli("--course", str(course), "new", "demo", "--template", "numpy", "--module", "losses") == 0
    return get_assignment("demo", course)


def _unzip(path: Path, into: Path) -> Path:
    with zipfile.ZipFile(path) as zf:
        zf.extractall(into)
    return into


def _pytest_in(folder: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args], cwd=folder,
                          capture_output=True, text=True, timeout=300, env={**os.environ, **(env or {})}, check=False)


# --- autograder new ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("template", TEMPLATES)
def test_new_template_passes_validate(template, tmp_path, local_backend):
    course, name = tmp_path / "course", f"demo_{template}"  # one name each: the judge caches test modules by name
    assert cli("--course", str(course), "new", name, "--template", template) == 0
    assignment = get_assignment(name, course)
    assert assignment.module == name and assignment.reference == course / "reference" / name / f"{name}.py"
    assert assignment.reference.exists() and len(assignment.mutants()) == 1
    report = validate(assignment, local_backend)
    assert report.ok, [(c.name, c.detail) for c in report.checks if not c.ok]
    assert not list(course.rglob("*.tmpl"))


def test_new_refuses_bad_names_and_existing_assignments(tmp_path, capsys):
    course = tmp_path / "course"
    assert cli("--course", str(course), "new", "Bad-Name") == 2
    assert "lower-case" in capsys.readouterr().err
    for module in ("numpy", "json", "test_x"):
        with pytest.raises(NewAssignmentError, match="shadow"):
            create(course, "demo", "numpy", module=module)
    create(course, "demo", "symbolic")
    with pytest.raises(NewAssignmentError, match="already exists"):
        create(course, "demo", "torch")
    assert not (course / "assignments" / "Bad-Name").exists()


# --- the student handout ----------------------------------------------------------------------------------------
def test_handout_ships_student_files_only_and_is_reproducible(demo, tmp_path):
    first = build_handout(demo, tmp_path / "one.zip", notebook=True)
    build_handout(demo, tmp_path / "two.zip", notebook=True)
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    assert set(first.entries) == {
        "demo/README.md", "demo/handout.md", "demo/handout.html", "demo/losses.py", "demo/losses.ipynb",
        "demo/conftest.py", "demo/pytest.ini", "demo/assignments/demo/assignment.toml",
        "demo/assignments/demo/tests/public/test_public.py"}
    with zipfile.ZipFile(tmp_path / "one.zip") as zf:
        text = {n: zf.read(n).decode() for n in zf.namelist()}
    secrets = [demo.hidden_tests / "test_hidden.py", demo.reference, *(m.path for m in demo.mutants())]
    for secret in secrets:
        body = [line for line in secret.read_text().splitlines()
                if len(line.strip()) > 25 and not line.lstrip().startswith(("import ", "from ", "@", "#", "def "))]
        assert not any(line in content for content in text.values() for line in body), secret
    readme = text["demo/README.md"]
    assert "autograder check demo losses.py" in readme and "pytest" in readme
    assert "<h1>" in text["demo/handout.html"] and "<table>" in text["demo/handout.html"]
    toml = tomllib.loads(text["demo/assignments/demo/assignment.toml"])
    assert toml["assignment"]["module"] == "losses" and toml["limits"]["call_timeout"] == demo.limits.call_timeout


def test_handout_refuses_a_hidden_test_in_the_public_folder(demo, tmp_path, capsys):
    shutil.copy(demo.hidden_tests / "test_hidden.py", demo.public_tests / "test_hidden.py")
    with pytest.raises(HandoutError, match="test_hidden.py") as info:
        build_handout(demo, tmp_path / "h.zip")
    assert "refusing to build the handout" in str(info.value)
    assert cli("--course", str(demo.root.parents[1]), "handout", "demo", "--out", str(tmp_path / "h.zip")) == 1
    assert "test_hidden.py" in capsys.readouterr().out
    assert not (tmp_path / "h.zip").exists() and not list(tmp_path.glob("*.partial"))


def test_handout_refuses_a_link_to_the_reference_in_the_starter(demo, tmp_path):
    (demo.starter.parent / "helpers.py").symlink_to(demo.reference)
    with pytest.raises(HandoutError, match="helpers.py is a hidden file"):
        build_handout(demo, tmp_path / "h.zip")


def test_handout_refuses_public_tests_that_need_the_reference(demo, tmp_path):
    (demo.public_tests / "test_more.py").write_text(
        "def test_against_reference(submission, reference):\n"
        "    assert submission.mse(1.0, 2.0) == reference.mse(1.0, 2.0)\n\n\n"
        "def test_indirect(request):\n"
        "    request.getfixturevalue('reference')\n")
    uses = judge_only_fixture_uses(demo.public_tests)
    assert len(uses) == 2 and "'reference' fixture" in uses[0]
    with pytest.raises(HandoutError, match="judge-only fixture"):
        build_handout(demo, tmp_path / "h.zip")


def test_every_shipped_public_suite_avoids_judge_only_fixtures():
    for assignment in find_assignments(ROOT).values():
        assert judge_only_fixture_uses(assignment.public_tests) == [], assignment.name


SANDBOX_AWARE = '''
import os
import numpy as np


def mse(pred, target):
    diff = np.asarray(pred, dtype=np.float64) - np.asarray(target, dtype=np.float64)
    value = float(np.mean(diff**2))
    return value if os.getuid() != 0 else value + 1.0  # right only where the sandbox dropped root


def mse_grad(pred, target):
    diff = np.asarray(pred, dtype=np.float64) - np.asarray(target, dtype=np.float64)
    return 2.0 * diff / diff.size
'''


def test_unpacked_handout_runs_with_plain_pytest_and_with_autograder_check(demo, tmp_path, local_backend):
    folder = _unzip(build_handout(demo, tmp_path / "h.zip").path, tmp_path / "unpacked") / "demo"
    starter = _pytest_in(folder)
    assert starter.returncode == 1 and "2 failed" in starter.stdout and "NotImplementedError" in starter.stdout
    shutil.copy(demo.reference, folder / "losses.py")
    assert "2 passed" in _pytest_in(folder).stdout
    (tmp_path / "aware.py").write_text(SANDBOX_AWARE)
    # plain pytest imports the student's code into its own (root) process ...
    in_process = _pytest_in(folder, f"--submission={tmp_path / 'aware.py'}")
    assert "1 failed, 1 passed" in in_process.stdout, in_process.stdout + in_process.stderr
    # ... while `autograder check` in the same folder ignores that conftest and grades in the sandbox
    check = subprocess.run([sys.executable, "-m", "autograder", "check", "demo", str(tmp_path / "aware.py")],
                           cwd=folder, capture_output=True, text=True, timeout=300,
                           env={**os.environ, "AUTOGRADER_COURSE": ""}, check=False)
    assert check.returncode == 0 and "Score: 2 / 2" in check.stdout, check.stdout + check.stderr


SEED_TEST = '''
import os

import pytest


@pytest.mark.parametrize("k", [1, 2])
def test_seed_is_reported(submission, seed, rng, k):
    with open(os.environ["SEED_LOG"], "a") as log:
        log.write(f"{k} {seed} {rng.integers(1 << 30)}\\n")
'''


def test_seeds_agree_between_the_grader_plain_pytest_and_otter(demo, tmp_path, monkeypatch, local_backend):
    (demo.public_tests / "test_seed.py").write_text(SEED_TEST)
    logs = {way: tmp_path / f"{way}.log" for way in ("grader", "pytest", "otter")}
    monkeypatch.setenv("SEED_LOG", str(logs["grader"]))
    grade(demo, demo.reference, local_backend, suite="public")
    folder = _unzip(build_handout(demo, tmp_path / "h.zip").path, tmp_path / "unpacked") / "demo"
    shutil.copy(demo.reference, folder / "losses.py")
    _pytest_in(folder, env={"SEED_LOG": str(logs["pytest"])})
    monkeypatch.setenv("SEED_LOG", str(logs["otter"]))
    for case in _otter_cases(export_otter(demo, tmp_path / "otter"), "seed_is_reported"):
        case.call(_namespace(demo.reference))
    seen = {way: sorted(path.read_text().splitlines()) for way, path in logs.items()}
    assert len(seen["grader"]) == 2 and seen["grader"] == seen["pytest"] == seen["otter"]
    nodeid = "demo/tests/public/test_seed.py::test_seed_is_reported[1]"
    assert seen["grader"][0].split()[1] == str(grader_seed(demo.seed, nodeid))


# --- the starter notebook ---------------------------------------------------------------------------------------
def _fill_with_reference(nb: nbformat.NotebookNode, reference: Path) -> nbformat.NotebookNode:
    """Pastes the reference's code into the notebook's cells, function by function."""
    _, ref_prelude, ref_blocks = starter_parts(reference.read_text())
    ref_defs = {ast.parse(b).body[0].name: b for b in ref_blocks}
    filled = nbformat.reads(nbformat.writes(nb), as_version=4)
    code = [c for c in filled.cells if c.cell_type == "code"]
    starter_names = set()
    for cell in code:
        names = [n.name for n in ast.parse(cell.source).body if isinstance(n, (ast.FunctionDef, ast.ClassDef))]
        if names:
            starter_names.update(names)
            cell.source = "\n\n\n".join(ref_defs[n] for n in names)
    helpers = [b for n, b in ref_defs.items() if n not in starter_names]
    code[0].source = "\n\n\n".join([ref_prelude, *helpers])
    return filled


def test_notebook_round_trip_full_marks_with_reference_code_zero_untouched(tmp_path, local_backend):
    assignment = get_assignment("logistic_gradient", ROOT)
    nb = build_notebook(assignment)
    nbformat.validate(nb)
    kinds = [c.cell_type for c in nb.cells]
    assert kinds[0] == "markdown" and kinds.count("code") >= 1 + 7  # imports, then one cell per function
    assert nb.cells[0].source.startswith("# Logistic regression")
    untouched = tmp_path / "untouched.ipynb"
    untouched.write_text(nbformat.writes(nb))
    zero = grade(assignment, untouched, local_backend)
    assert zero.score == 0 and zero.max_score > 0 and not zero.error
    filled = tmp_path / "filled.ipynb"
    filled.write_text(nbformat.writes(_fill_with_reference(nb, assignment.reference)))
    full = grade(assignment, filled, local_backend)
    assert full.score == full.max_score, [(t.name, t.feedback) for t in full.tests if t.status == "failed"]


# --- Gradescope -------------------------------------------------------------------------------------------------
def _run_bundle(bundle: Path, tmp_path: Path, submission: str) -> dict:
    root = tmp_path / "autograder"
    shutil.rmtree(root, ignore_errors=True)
    _unzip(bundle, root / "source")
    (root / "submission").mkdir()
    (root / "submission" / "toy.py").write_text(submission)
    env = {**os.environ, "AUTOGRADER_GRADESCOPE_ROOT": str(root), "AUTOGRADER_PYTHON": sys.executable}
    env.pop("AUTOGRADER_COURSE", None)
    run = subprocess.run(["bash", str(root / "source" / "run_autograder")], env=env, capture_output=True,
                         text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert stat.S_IMODE((root / "source").stat().st_mode) == 0o700
    return json.loads((root / "results" / "results.json").read_text())


def _check_schema(data: dict) -> None:
    assert {"score", "execution_time", "output", "output_format", "tests"} <= data.keys()
    for i, t in enumerate(data["tests"], 1):
        assert GRADESCOPE_TEST_KEYS <= t.keys() and t["number"] == str(i)
        assert t["status"] in ("passed", "failed") and 0 <= t["score"] <= t["max_score"]
        assert t["visibility"] in ("visible", "hidden", "after_due_date", "after_published")
    assert data["score"] == pytest.approx(sum(t["score"] for t in data["tests"]))


def test_gradescope_bundle_grades_in_a_fake_autograder_tree(toy, tmp_path, local_backend, capsys):
    bundle = tmp_path / "autograder.zip"
    assert cli("--course", str(toy.root.parents[1]), "export", "gradescope", "toy", "--out", str(bundle)) == 0
    with zipfile.ZipFile(bundle) as zf:
        names = set(zf.namelist())
        modes = {i.filename: stat.S_IMODE(i.external_attr >> 16) for i in zf.infolist()}
    assert {"setup.sh", "run_autograder", "grader/pyproject.toml", "grader/autograder/judge/run.py",
            "course/assignments/toy/tests/hidden/test_hidden.py", "course/reference/toy/toy.py"} <= names
    assert modes["run_autograder"] == 0o755 and modes["course/reference/toy/toy.py"] == 0o600
    for script in ("setup.sh", "run_autograder"):
        with zipfile.ZipFile(bundle) as zf:
            (tmp_path / script).write_bytes(zf.read(script))
        assert subprocess.run(["bash", "-n", str(tmp_path / script)], check=False).returncode == 0

    reference = _run_bundle(bundle, tmp_path, toy.reference.read_text())
    _check_schema(reference)
    assert reference["score"] == reference["extra_data"]["max_score"] == 8
    assert reference["extra_data"]["sandboxed"] is True

    mutant = _run_bundle(bundle, tmp_path, mutant_source(toy.reference, toy.root / "mutants" / "subtracts.py"))
    _check_schema(mutant)
    assert mutant["score"] == 3  # add (2 cases x 2 points) and add_secret fail
    assert any(d["mutant"] == "subtracts" for d in mutant["extra_data"]["diagnoses"])

    hidden = tmp_path / "autograder" / "source" / "course" / "assignments" / "toy" / "tests" / "hidden"
    peek = toy.reference.read_text().replace("def add(a, b):\n    return a + b", (
        "def add(a, b):\n"
        "    try:\n"
        f"        open({str(hidden / 'test_hidden.py')!r}).read()\n"
        "        return -1.0\n"
        "    except OSError:\n"
        "        return a + b"))
    assert "open(" in peek
    assert _run_bundle(bundle, tmp_path, peek)["score"] == 8  # the worker could not read the hidden tests


def test_gradescope_setup_self_check_finds_a_working_sandbox(toy, tmp_path, local_backend):
    """The end of setup.sh (after the installs, which a test must not run) grades the reference once."""
    bundle = export_gradescope(toy, tmp_path / "autograder.zip")
    assert "setup.sh" in bundle
    source = _unzip(tmp_path / "autograder.zip", tmp_path / "autograder" / "source")
    (tmp_path / "venv" / "bin").mkdir(parents=True)
    python = tmp_path / "venv" / "bin" / "python"  # a wrapper, not a link: sys.executable stays the real one
    python.write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
    python.chmod(0o755)
    setup = (source / "setup.sh").read_text()
    tail = setup[setup.index("# Prove the sandbox works"):]
    script = f"set -euo pipefail\nSOURCE={source}\nVENV={tmp_path / 'venv'}\n{tail}"
    run = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (source / "backend").read_text().strip() == "local"


def test_gradescope_bundle_of_an_installed_grader_gets_a_generated_pyproject():
    data = tomllib.loads(_installed_pyproject())
    assert data["project"]["name"] == "dlcourse-autograder"
    assert data["project"]["scripts"]["autograder"] == "autograder.cli.main:main"
    assert any(r.startswith("numpy") for r in data["project"]["dependencies"])


# --- otter ------------------------------------------------------------------------------------------------------
PARAMETRIZED = '''
import numpy as np
import pytest

from autograder.testing import assert_scalar

P = np.array([[1.0, 2.0], [3.0, 4.0]])
T = np.array([[1.0, 0.0], [3.0, 2.0]])


@pytest.mark.points(2)
@pytest.mark.parametrize("scale", [1.0, -2.0])
def test_mse_scaled(submission, scale):
    assert_scalar(submission.mse(P * scale, T * scale), 2.0 * scale**2, f"mse of the example times {scale}")
'''


class _OtterCase:
    """One ``@test_case`` as otter's exception-based format defines it (without otter installed)."""

    def __init__(self, name=None, points=None, hidden=False, success_message=None, failure_message=None):
        self.name, self.points, self.hidden = name, points, hidden

    def __call__(self, func):
        self.func = func
        return self

    def call(self, env: dict) -> None:  # otter's call_func: arguments by name from the globals, else None
        import inspect

        params = inspect.signature(self.func).parameters
        self.func(**{p: env if p == "env" else env.get(p) for p in params})


def _otter_cases(files: list[Path], question: str) -> list[_OtterCase]:
    """Loads a test file the way otter does: exec into an empty namespace, collect the test_case objects."""
    fake = types.ModuleType("otter")
    fake.test_files = types.SimpleNamespace(test_case=_OtterCase)
    path = next(f for f in files if f.name == f"{question}.py")
    with mock.patch.dict(sys.modules, {"otter": fake, "otter.test_files": fake.test_files}):
        env: dict = {}
        exec(compile(path.read_text(), str(path), "exec"), env)  # noqa: S102 - exactly what otter does
    assert env["OK_FORMAT"] is False and env["name"] == question
    cases = [v for v in env.values() if isinstance(v, _OtterCase)]
    assert env["points"] == sum(c.points for c in cases)
    return cases


def _namespace(path: Path) -> dict:
    env: dict = {}
    exec(compile(path.read_text(), str(path), "exec"), env)  # noqa: S102 - a notebook's globals
    return env


def test_otter_export_runs_public_tests_on_notebook_globals(demo, tmp_path):
    (demo.public_tests / "test_scaled.py").write_text(PARAMETRIZED)
    assert cli("--course", str(demo.root.parents[1]), "export", "otter", "demo", "--out", str(tmp_path / "o")) == 0
    files = sorted((tmp_path / "o" / "tests").glob("*.py"))
    assert [f.stem for f in files] == ["mse_grad_small", "mse_scaled", "mse_small"]
    assert "grader.check" in (tmp_path / "o" / "README.md").read_text()
    scaled = _otter_cases(files, "mse_scaled")
    assert [(c.name, c.points, c.hidden) for c in scaled] == [("mse_scaled[1.0]", 2.0, False),
                                                              ("mse_scaled[-2.0]", 2.0, False)]
    reference = _namespace(demo.reference)
    for question in ("mse_small", "mse_grad_small", "mse_scaled"):
        for case in _otter_cases(files, question):
            case.call(reference)
    mutant = _namespace(demo.reference)
    exec(compile(demo.mutants()[0].path.read_text(), "mutant", "exec"), mutant)  # noqa: S102 - laid over it
    _otter_cases(files, "mse_small")[0].call(mutant)
    with pytest.raises(AssertionError, match="mse_grad of a"):
        _otter_cases(files, "mse_grad_small")[0].call(mutant)
    with pytest.raises(AssertionError, match="does not define 'mse'"):
        _otter_cases(files, "mse_small")[0].call({})


def test_otter_itself_checks_the_exported_files(demo, tmp_path, monkeypatch):
    otter = pytest.importorskip("otter", reason="otter-grader is an optional extra: pip install '.[otter]'")
    export_otter(demo, tmp_path / "o")
    monkeypatch.chdir(tmp_path / "o")
    grader = otter.Notebook(tests_dir="tests")
    reference, starter = _namespace(demo.reference), _namespace(demo.starter)
    for question in ("mse_small", "mse_grad_small"):
        assert grader.check(question, global_env=reference).grade == 1
        result = grader.check(question, global_env=starter)
        assert result.grade == 0 and "NotImplementedError" in repr(result)
