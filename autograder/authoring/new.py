"""``autograder new``: a new assignment from a template that already validates.

Why from a template: the layout (toml, handout, starter, public and hidden
tests, mutants, reference outside the assignment folder) is fixed, and an
author who starts from a complete assignment that passes
``autograder validate`` only ever changes a working example, never debugs
an empty one.
"""

from __future__ import annotations

import keyword
import re
import shutil
import sys
import zlib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

import tomllib

from autograder.assignments import AssignmentError

TEMPLATES = ("numpy", "torch", "symbolic")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
# a student module named like a library the tests import would shadow it in the worker
_TAKEN = {"numpy", "torch", "sympy", "pytest", "autograder", "scipy", "matplotlib", "conftest", "test"}


class NewAssignmentError(AssignmentError):
    """The assignment cannot be created as asked; the message says why."""


@dataclass(frozen=True)
class Created:
    assignment_dir: Path
    reference_dir: Path
    files: list[Path]


def template_root(template: str) -> Traversable:
    if template not in TEMPLATES:
        raise NewAssignmentError(f"unknown template {template!r}; choose one of {', '.join(TEMPLATES)}")
    return resources.files("autograder.authoring") / "templates" / template


def check_names(name: str, module: str) -> None:
    """Names become folder names, a Python module and pytest node ids: keep them plain."""
    if not _NAME.fullmatch(name):
        raise NewAssignmentError(f"assignment name {name!r}: use lower-case letters, digits and _ "
                                 "(starting with a letter)")
    if not _NAME.fullmatch(module) or keyword.iskeyword(module):
        raise NewAssignmentError(f"module name {module!r}: use a plain lower-case Python identifier")
    if module in _TAKEN or module in sys.stdlib_module_names or module.startswith("test_"):
        raise NewAssignmentError(f"module name {module!r} would shadow a library module (or look like a "
                                 "test file) where the student's code runs; pick another with --module")


def _walk(node: Traversable, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Traversable]]:
    out = []
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        if child.is_dir():
            out += _walk(child, (*prefix, child.name))
        elif child.name.endswith(".tmpl"):
            out.append(((*prefix, child.name.removesuffix(".tmpl")), child))
    return out


def render(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    left = re.findall(r"\{\{\w+\}\}", text)
    if left:
        raise NewAssignmentError(f"template placeholders without a value: {sorted(set(left))}")
    return text


def create(course: Path, name: str, template: str, module: str | None = None,
           title: str | None = None) -> Created:
    """Writes ``assignments/<name>/`` and ``reference/<name>/`` under ``course``; refuses to overwrite."""
    module = module or name
    check_names(name, module)
    root = template_root(template)
    assignment_dir, reference_dir = course / "assignments" / name, course / "reference" / name
    for folder in (assignment_dir, reference_dir):
        if folder.exists():
            raise NewAssignmentError(f"{folder} already exists; pick another name or remove it first")
    values = {"name": name, "module": module, "seed": str(zlib.crc32(name.encode()) % 100_000),
              # the title lands inside a TOML string and Markdown: one line, no quotes or backslashes
              "title": " ".join((title or f"{name.replace('_', ' ').capitalize()} ({template} template)")
                                .replace('"', "'").replace("\\", "/").split())}
    written: list[Path] = []
    try:
        for parts, source in _walk(root):
            parts = tuple(p.replace("__module__", module) for p in parts)
            target = reference_dir.joinpath(*parts[1:]) if parts[0] == "reference" else assignment_dir.joinpath(*parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            text = render(source.read_text(encoding="utf-8"), values)
            if target.name == "assignment.toml":
                tomllib.loads(text)  # a title that breaks the TOML fails here, not at the next command
            target.write_text(text, encoding="utf-8")
            written.append(target)
    except BaseException:
        for folder in (assignment_dir, reference_dir):  # neither existed before: leave nothing half-made
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return Created(assignment_dir, reference_dir, written)
