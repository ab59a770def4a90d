"""A whole grading run on the toy assignment: plugin, results schema, CLI."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.judge.run import grade
from autograder.judge.trusted_code import mutant_source
from autograder.scoring.results import GradingResult

GRADESCOPE_TEST_KEYS = {"name", "number", "score", "max_score", "status", "output", "output_format", "tags",
                        "visibility", "extra_data"}


@pytest.fixture
def reference_file(toy) -> Path:
    return toy.reference


def _mutant(toy, tmp_path: Path, name: str) -> Path:
    path = tmp_path / name / "toy.py"
    path.parent.mkdir()
    path.write_text(mutant_source(toy.reference, toy.root / "mutants" / f"{name}.py"))
    return path


def test_reference_scores_full_marks_with_points_per_case(toy, local_backend, reference_file):
    result = grade(toy, reference_file, local_backend)
    assert result.score == result.max_score == 8
    cases = {t.name: t.max_score for t in result.tests}
    assert cases["add[1.0-2.0]"] == cases["add[-3.0-0.5]"] == 2  # points(2) applies to each case


def test_results_follow_the_gradescope_schema(toy, local_backend, tmp_path):
    data = grade(toy, _mutant(toy, tmp_path, "subtracts"), local_backend).to_gradescope()
    assert {"score", "execution_time", "output", "output_format", "tests"} <= data.keys()
    assert data["output_format"] == "md"
    for i, t in enumerate(data["tests"], 1):
        assert GRADESCOPE_TEST_KEYS <= t.keys()
        assert t["number"] == str(i)
        assert t["status"] in ("passed", "failed")
        assert t["visibility"] in ("visible", "hidden", "after_due_date", "after_published")
    assert data["score"] == sum(t["score"] for t in data["tests"])
    assert GradingResult.from_gradescope(data).score == data["score"]


def test_mutant_feedback_names_the_mistake_and_hides_expected_values(toy, local_backend, tmp_path):
    result = grade(toy, _mutant(toy, tmp_path, "subtracts"), local_backend)
    add = next(t for t in result.tests if t.name == "add_secret")
    assert add.status == "failed"
    assert add.diagnosis and add.diagnosis[0]["mutant"] == "subtracts"
    assert "add subtracts instead of adding" in add.markdown()
    assert "1234.5678" not in json.dumps(result.to_gradescope())
    assert "abs error" in add.feedback  # says by how much
    assert result.diagnoses()[0]["tests"]  # and in which tests


def test_state_mistake_is_diagnosed_from_in_place_changes(toy, local_backend, tmp_path):
    result = grade(toy, _mutant(toy, tmp_path, "no_state"), local_backend)
    bump = next(t for t in result.tests if t.name == "bump_keeps_state")
    assert [d["mutant"] for d in bump.diagnosis] == ["no_state"]


def test_seed_is_reported_and_stable(toy, local_backend, tmp_path):
    starter = grade(toy, toy.starter, local_backend)
    again = grade(toy, toy.starter, local_backend)
    scale = next(t for t in starter.tests if t.name == "scale_rows")
    assert scale.seed is not None and f"seed {scale.seed}" in scale.markdown()
    assert scale.seed == next(t for t in again.tests if t.name == "scale_rows").seed


def test_starter_scores_zero_with_an_explanation(toy, local_backend):
    result = grade(toy, toy.starter, local_backend)
    assert result.score == 0
    assert all("NotImplementedError" in t.feedback for t in result.tests)


def test_forbidden_import_found_by_the_scan_zeroes_the_score(toy, local_backend, tmp_path):
    path = tmp_path / "toy.py"
    path.write_text(toy.reference.read_text() + "\ntry:\n    import torch\nexcept ImportError:\n    pass\n")
    result = grade(toy, path, local_backend)
    assert result.score == 0 and result.max_score == 8
    assert "does not allow torch" in result.messages[0] and "line" in result.messages[0]


def test_unreadable_submission_scores_zero_and_lists_the_tests(toy, local_backend, tmp_path):
    bad = tmp_path / "sub.zip"
    bad.write_bytes(b"not a zip at all")
    result = grade(toy, bad, local_backend)
    assert result.score == 0 and result.max_score == 8 and len(result.tests) == 6
    assert "not a valid zip" in result.messages[0]


def test_notebook_and_zip_submissions_are_graded(toy, local_backend, tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# my work"), nbformat.v4.new_code_cell("%matplotlib inline"),
                nbformat.v4.new_code_cell(toy.reference.read_text())]
    nb_path = tmp_path / "toy.ipynb"
    nbformat.write(nb, str(nb_path))
    result = grade(toy, nb_path, local_backend)
    assert result.score == result.max_score
    assert any("magics" in m for m in result.messages)
    archive = tmp_path / "toy.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(toy.reference, "homework/toy.py")
    assert grade(toy, archive, local_backend).score == result.max_score


def test_unsandboxed_run_says_so_loudly(toy, reference_file):
    result = grade(toy, reference_file, "none")
    assert result.sandboxed is False
    assert result.messages[0].startswith("UNSANDBOXED")
    assert result.to_gradescope()["extra_data"]["sandboxed"] is False


def _cli(course: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", "--course", str(course), *args],
                          capture_output=True, text=True, timeout=300)


def test_cli_grade_json_exits_zero_whatever_the_score(course, toy, local_backend, tmp_path):
    proc = _cli(course, "grade", "toy", str(toy.starter), "--format", "json", "--out", str(tmp_path / "out"))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["score"] == 0
    assert {p.name for p in (tmp_path / "out").iterdir()} == {"results.json", "feedback.md", "feedback.html"}


def test_cli_usage_errors_exit_two(course, toy):
    proc = _cli(course, "grade", "no_such_assignment", str(toy.starter))
    assert proc.returncode == 2 and "unknown assignment" in proc.stderr
    assert _cli(course, "grade").returncode == 2


def test_cli_check_list_and_validate(course, toy, local_backend):
    check = _cli(course, "check", "toy", str(toy.reference))
    assert check.returncode == 0 and "Score: 1 / 1" in check.stdout
    listing = _cli(course, "list")
    assert listing.returncode == 0 and "toy" in listing.stdout
    validate = _cli(course, "validate", "toy")
    assert validate.returncode == 0, validate.stdout
    assert "all checks passed" in validate.stdout


def test_public_feedback_shows_the_calls_hidden_feedback_does_not(toy, local_backend, tmp_path):
    mutant = _mutant(toy, tmp_path, "subtracts")
    public = grade(toy, mutant, local_backend, suite="public")
    assert "add(1.0, 2.0)" in public.tests[0].feedback
    hidden = grade(toy, mutant, local_backend)
    assert all("Calls this test made" not in t.feedback for t in hidden.tests)


def test_a_check_can_name_the_mistake_when_calls_cannot_be_replayed(course, tmp_path, local_backend):
    """A remote object's calls are never replayed judge-side; the failed check names the mutant instead."""
    import shutil

    from autograder.assignments import get_assignment

    clone = tmp_path / "course"
    shutil.copytree(course, clone)
    (clone / "reference" / "toy" / "toy.py").write_text(
        (course / "reference" / "toy" / "toy.py").read_text()
        + "\n\nclass Counter:\n    def __init__(self):\n        self.n = 0\n\n"
        "    def bump(self):\n        self.n += 1\n        return self.n\n\n\n"
        "def make_counter():\n    return Counter()\n")
    (clone / "assignments" / "toy" / "mutants" / "counter_forgets.py").write_text(
        '"""the counter forgets its count\n\nKeep the count on the object between calls.\n"""\n\n\n'
        "class Counter:\n    def bump(self):\n        return 1\n")
    (clone / "assignments" / "toy" / "tests" / "hidden" / "test_counter.py").write_text(
        "from autograder.testing import check\n\n\n"
        "def test_counter_counts(submission):\n"
        "    counter = submission.make_counter()\n"
        "    counter.bump()\n"
        "    check(counter.bump() == 2, 'the second bump should return 2', mistake='counter_forgets')\n")
    toy = get_assignment("toy", clone)
    mutant = _mutant(toy, tmp_path, "counter_forgets")
    result = grade(toy, mutant, local_backend)
    counter = next(t for t in result.tests if t.name == "counter_counts")
    assert counter.status == "failed"
    assert [d["mutant"] for d in counter.diagnosis] == ["counter_forgets"]
    assert grade(toy, toy.reference, local_backend).score == result.max_score
