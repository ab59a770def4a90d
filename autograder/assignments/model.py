"""An assignment on disk, read from its ``assignment.toml``.

The layout is fixed (see DESIGN.md) so that every tool finds the same
pieces: ``starter/``, ``tests/public``, ``tests/hidden``, ``mutants/`` next
to the toml file and the reference under ``reference/<name>/``.
"""

from __future__ import annotations

import ast
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from autograder.sandbox import Limits

VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")


class AssignmentError(Exception):
    """An assignment folder is missing a piece or its toml is malformed."""


@dataclass(frozen=True)
class Mutant:
    """A known-wrong submission: one mistake, and the hint a student sees for it."""

    name: str
    path: Path
    title: str
    hint: str

    @classmethod
    def from_file(cls, path: Path) -> "Mutant":
        doc = ast.get_docstring(ast.parse(path.read_text())) or ""
        title, _, rest = doc.strip().partition("\n")
        if not title:
            raise AssignmentError(f"mutant {path} has no docstring naming its mistake")
        return cls(path.stem, path, title.strip(), " ".join(rest.split()) or title.strip())


@dataclass(frozen=True)
class Assignment:
    name: str
    root: Path
    title: str
    version: str
    module: str
    reference_root: Path
    limits: Limits
    forbidden: tuple[str, ...] = ()
    seed: int = 0
    default_visibility: str = "visible"
    gpu: bool = False
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def handout(self) -> Path:
        return self.root / "handout.md"

    @property
    def starter(self) -> Path:
        return self.root / "starter" / f"{self.module}.py"

    @property
    def public_tests(self) -> Path:
        return self.root / "tests" / "public"

    @property
    def hidden_tests(self) -> Path:
        return self.root / "tests" / "hidden"

    @property
    def reference(self) -> Path:
        return self.reference_root / self.name / f"{self.module}.py"

    def mutants(self) -> list[Mutant]:
        folder = self.root / "mutants"
        return [Mutant.from_file(p) for p in sorted(folder.glob("*.py"))] if folder.is_dir() else []

    def secrets(self) -> list[Path]:
        """What the worker must never see: hidden tests, mutants, reference."""
        return [self.hidden_tests.resolve(), (self.root / "mutants").resolve(),
                (self.reference_root / self.name).resolve()]

    @classmethod
    def load(cls, root: Path, reference_root: Path) -> "Assignment":
        toml_path = root / "assignment.toml"
        try:
            data = tomllib.loads(toml_path.read_text())
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise AssignmentError(f"{toml_path}: {exc}") from None
        meta = data.get("assignment", {})
        limits_cfg = data.get("limits", {})
        known = set(Limits.__dataclass_fields__)
        unknown = set(limits_cfg) - known
        if unknown:
            raise AssignmentError(f"{toml_path}: unknown limits {sorted(unknown)}")
        gpu = bool(meta.get("gpu", False))
        limits = Limits(**{**limits_cfg, "gpu": gpu})
        visibility = data.get("grading", {}).get("default_visibility", "visible")
        if visibility not in VISIBILITIES:
            raise AssignmentError(f"{toml_path}: default_visibility must be one of {VISIBILITIES}")
        try:
            return cls(
                name=meta.get("name", root.name), root=root.resolve(), title=meta["title"],
                version=str(meta.get("version", "1")), module=meta["module"],
                reference_root=reference_root.resolve(), limits=limits,
                forbidden=tuple(meta.get("forbidden", ())), seed=int(meta.get("seed", 0)),
                default_visibility=visibility, gpu=gpu,
                extra={k: v for k, v in data.items() if k not in ("assignment", "limits", "grading")},
            )
        except KeyError as exc:
            raise AssignmentError(f"{toml_path}: [assignment] needs {exc.args[0]!r}") from None


def course_root() -> Path:
    """The folder holding ``assignments/`` and ``reference/``.

    ``AUTOGRADER_COURSE`` wins; otherwise the current folder if it has
    ``assignments/``, otherwise the source checkout this package runs from.
    """
    env = os.environ.get("AUTOGRADER_COURSE")
    if env:
        return Path(env).resolve()
    cwd = Path.cwd()
    if (cwd / "assignments").is_dir():
        return cwd
    return Path(__file__).resolve().parents[2]


def find_assignments(root: Path | None = None) -> dict[str, Assignment]:
    root = root or course_root()
    found: dict[str, Assignment] = {}
    for toml_path in sorted((root / "assignments").glob("*/assignment.toml")):
        a = Assignment.load(toml_path.parent, root / "reference")
        found[a.name] = a
    return found


def get_assignment(name: str, root: Path | None = None) -> Assignment:
    available = find_assignments(root)
    if name not in available:
        known = ", ".join(sorted(available)) or "none found"
        raise AssignmentError(f"unknown assignment {name!r} (available: {known})")
    return available[name]
