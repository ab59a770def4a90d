"""One judge process grading several assignments in turn (validate --all, batch) keeps them apart."""

from __future__ import annotations

import shutil

from autograder.assignments import get_assignment
from autograder.judge.run import grade


def test_same_test_file_names_in_two_assignments_do_not_collide(course, tmp_path, local_backend):
    clone = tmp_path / "course"
    shutil.copytree(course, clone)
    toy_dir = clone / "assignments" / "toy"
    twin_dir = clone / "assignments" / "twin"
    shutil.copytree(toy_dir, twin_dir)
    shutil.copytree(clone / "reference" / "toy", clone / "reference" / "twin")
    toml = twin_dir / "assignment.toml"
    toml.write_text(toml.read_text().replace('name = "toy"', 'name = "twin"'))
    public = twin_dir / "tests" / "public" / "test_public.py"
    public.write_text(public.read_text().replace("def test_add_small", "def test_twin_only"))
    toy, twin = get_assignment("toy", clone), get_assignment("twin", clone)
    assert [t.name for t in grade(toy, toy.reference, local_backend, suite="public").tests] == ["add_small"]
    assert [t.name for t in grade(twin, twin.reference, local_backend, suite="public").tests] == ["twin_only"]
