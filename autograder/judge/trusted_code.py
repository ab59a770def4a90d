"""Imports the instructor's own code (reference, mutants) into the judge.

Only trusted files go through here; student code never does. A mutant file
holds just the functions it gets wrong and is laid over the reference, so
the composed module behaves like a whole submission with one mistake (its
other functions call the wrong one, as they would in a student's file).
"""

from __future__ import annotations

import functools
import itertools
import types
from pathlib import Path

_counter = itertools.count()


def module_from_source(source: str, filename: str, name: str | None = None) -> types.ModuleType:
    module = types.ModuleType(name or f"_autograder_trusted_{next(_counter)}")
    module.__file__ = filename
    exec(compile(source, filename, "exec"), module.__dict__)  # noqa: S102 - instructor code only
    return module


def mutant_source(reference: Path, mutant: Path) -> str:
    """The reference with the mutant's definitions appended (later ones win)."""
    return f"{reference.read_text()}\n\n# ---- mutant {mutant.stem} ----\n{mutant.read_text()}"


@functools.lru_cache(maxsize=64)
def load_reference(path: Path) -> types.ModuleType:
    return module_from_source(path.read_text(), str(path))


@functools.lru_cache(maxsize=256)
def load_mutant(reference: Path, mutant: Path) -> types.ModuleType:
    return module_from_source(mutant_source(reference, mutant), f"<mutant {mutant.stem}>")
