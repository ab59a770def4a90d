"""Batch grading: discovery, the results database, resume after kill -9, outputs, late policy."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import yaml

from autograder.batch.inputs import discover
from autograder.batch.late import LatePolicy
from autograder.batch.runner import run_batch
from autograder.batch.store import ResultStore
from autograder.judge.trusted_code import mutant_source

SEGFAULT = "import ctypes\n\ndef add(a, b):\n    ctypes.string_at(0)\n"
MEMORY_HOG = "def add(a, b):\n    x = bytearray(1 << 34)\n    return a + b\n"


@pytest.fixture
def class_folder(toy, tmp_path) -> Path:
    folder = tmp_path / "class"
    folder.mkdir()
    for name in ("alice", "bob", "carol"):
        shutil.copy(toy.reference, folder / f"{name}.py")
    (folder / "dan.py").write_text(mutant_source(toy.reference, toy.root / "mutants" / "subtracts.py"))
    (folder / "erin.py").write_text(toy.reference.read_text() + "\n" + SEGFAULT)
    (folder / "frank.py").write_text(toy.reference.read_text() + "\n" + MEMORY_HOG)
    (folder / "gina.zip").write_bytes(b"not a zip")
    return folder


def _cli(course: Path, *args: str, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "autograder", "--course", str(course), *args],
                          capture_output=True, text=True, timeout=600, **kw)


def _gradebook(path: Path) -> dict[str, dict]:
    with path.open() as fh:
        return {row["student"]: row for row in csv.DictReader(fh)}


def test_batch_grades_a_class_and_writes_every_output(course, class_folder, tmp_path, local_backend):
    out = tmp_path / "out"
    proc = _cli(course, "batch", "toy", str(class_folder), "--out", str(out), "--jobs", "2")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    book = _gradebook(out / "gradebook.csv")
    assert book["Points Possible"]["total"] == "8.0"
    assert {k: float(v["total"]) for k, v in book.items() if k != "Points Possible"} == {
        "alice": 8.0, "bob": 8.0, "carol": 8.0, "dan": 3.0, "erin": 3.0, "frank": 3.0, "gina": 0.0}
    assert book["gina"]["status"] == "error"
    for student in ("alice", "erin", "gina"):
        assert (out / "results" / f"{student}.json").exists()
        assert (out / "feedback" / f"{student}.md").exists() and (out / "feedback" / f"{student}.html").exists()
    erin = (out / "feedback" / "erin.md").read_text()
    assert "segmentation fault" in erin  # the crash is explained, the batch went on
    frank = (out / "feedback" / "frank.md").read_text()
    assert "MemoryError" in frank
    summary = (out / "summary.md").read_text()
    assert "add subtracts instead of adding: 1 student(s)" in summary
    assert "| add_secret | 1 |" in summary and (out / "histogram.png").stat().st_size > 1000
    mode = sqlite3.connect(out / "results.sqlite").execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_rerun_grades_only_what_changed(toy, class_folder, tmp_path, local_backend):
    store = ResultStore(tmp_path / "db.sqlite")
    items = [s for s in discover(class_folder).submissions if s.student in ("alice", "bob", "dan")]
    first = run_batch(toy, items, store, 1, "local", lambda r: None)
    assert (first.graded, first.skipped) == (3, 0)
    again = run_batch(toy, items, store, 1, "local", lambda r: None)
    assert (again.graded, again.skipped) == (0, 3)
    (class_folder / "bob.py").write_text((class_folder / "dan.py").read_text())  # bob resubmits
    items = [s for s in discover(class_folder).submissions if s.student in ("alice", "bob", "dan")]
    changed = run_batch(toy, items, store, 1, "local", lambda r: None)
    assert (changed.graded, changed.skipped) == (1, 2)
    assert {r.student: r.result.score for r in store.all()} == {"alice": 8.0, "bob": 3.0, "dan": 3.0}
    from dataclasses import replace

    bumped = replace(toy, version="2")
    assert run_batch(bumped, items, store, 1, "local", lambda r: None).graded == 3
    store.close()


def test_kill_9_in_the_middle_then_resume_matches_an_uninterrupted_run(course, toy, tmp_path, local_backend):
    folder = tmp_path / "big"
    folder.mkdir()
    for i in range(16):
        source = toy.reference if i % 3 else toy.root / "mutants" / "subtracts.py"
        text = source.read_text() if i % 3 else mutant_source(toy.reference, source)
        (folder / f"s{i:02d}.py").write_text(text)
    reference_run = tmp_path / "uninterrupted"
    assert _cli(course, "batch", "toy", str(folder), "--out", str(reference_run), "--jobs", "2").returncode == 0

    out = tmp_path / "interrupted"
    proc = subprocess.Popen([sys.executable, "-m", "autograder", "--course", str(course), "batch", "toy",
                             str(folder), "--out", str(out), "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    db = out / "results.sqlite"
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and done < 5:
        time.sleep(0.2)
        if db.exists():
            try:
                done = sqlite3.connect(db).execute("SELECT count(*) FROM results").fetchone()[0]
            except sqlite3.OperationalError:
                pass
    os.kill(proc.pid, signal.SIGKILL)  # the batch process only: its judges die with it
    proc.wait()
    stored = sqlite3.connect(db).execute("SELECT count(*) FROM results").fetchone()[0]
    assert 5 <= stored < 16, "the kill must land in the middle of the batch"

    resumed = _cli(course, "batch", "toy", str(folder), "--out", str(out), "--jobs", "2")
    assert resumed.returncode == 0, resumed.stderr
    rows = sqlite3.connect(db).execute("SELECT student, count(*) FROM results GROUP BY student").fetchall()
    assert len(rows) == 16 and all(n == 1 for _, n in rows)
    assert _gradebook(out / "gradebook.csv") == _gradebook(reference_run / "gradebook.csv")
    assert f"{16 - stored}" in resumed.stdout  # graded now: only what was missing


def test_gradescope_export_uses_metadata_and_the_latest_attempt(toy, tmp_path):
    export = tmp_path / "assignment_1_export"
    meta = {}
    times = {"submission_1": "2026-11-01 10:00:00 +0000", "submission_2": "2026-11-02 10:00:00 +0000",
             "submission_3": "2026-11-01 12:00:00 +0000"}
    people = {"submission_1": [("Ann", "a1")], "submission_2": [("Ann", "a1")],
              "submission_3": [("Bo", "b2"), ("Cy", "c3")]}
    for key, when in times.items():
        (export / key).mkdir(parents=True)
        shutil.copy(toy.reference, export / key / "toy.py")
        meta[key] = {":submitters": [{":name": n, ":sid": sid, ":email": f"{sid}@uni.edu"} for n, sid in people[key]],
                     ":created_at": when}
    (export / "submission_metadata.yml").write_text(yaml.safe_dump(meta))
    found = discover(export)
    by_student = {s.student: s for s in found.submissions}
    assert sorted(by_student) == ["a1", "b2", "c3"]
    assert by_student["a1"].path.name == "submission_2" and by_student["a1"].name == "Ann"
    assert by_student["c3"].path.name == "submission_3"  # a group submission counts for each member
    assert found.notes == ["a1: 2 submissions, graded the latest (submission_2)"]
    assert discover(export, rule="earliest").submissions[0].path.name == "submission_1"


def test_late_policy_penalty_cap_and_extensions(tmp_path):
    extensions = tmp_path / "ext.csv"
    extensions.write_text("student,days\nbob,3\n")
    due = datetime(2026, 12, 1, 23, 59, tzinfo=timezone.utc)
    policy = LatePolicy.load({"due": due, "penalty_per_day": 0.1, "max_penalty": 0.25, "grace_minutes": 10},
                             extensions_file=extensions)
    assert policy.assess("ann", due + timedelta(minutes=5)).days == 0  # within grace
    assert policy.assess("ann", due + timedelta(hours=30)) == policy.assess("ann", due + timedelta(hours=47))
    assert policy.assess("ann", due + timedelta(hours=30)).penalty == pytest.approx(0.2)
    assert policy.assess("ann", due + timedelta(days=9)).penalty == 0.25  # the cap
    assert policy.assess("bob", due + timedelta(days=2)).days == 0  # extension
    assert policy.assess("ann", None).days == 0
