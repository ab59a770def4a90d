"""``autograder validate``: proves an assignment sound before students see it.

Checks, each reported with its figures:
- the reference scores full marks on the hidden and the public suite;
- the starter scores zero and the grader survives it;
- every mutant loses points and its feedback names its own mistake;
- two runs of the reference give the same score;
- nothing hidden (tests, mutants, reference code) ships to students.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from autograder.assignments import Assignment
from autograder.judge.run import grade
from autograder.judge.trusted_code import mutant_source
from autograder.sandbox import Backend


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class ValidationReport:
    assignment: str
    checks: list[Check] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def add(self, name: str, ok: bool, detail: str) -> None:
        self.checks.append(Check(name, ok, detail))


def student_files(assignment: Assignment) -> list[Path]:
    """Everything that ships in the student handout."""
    files = [assignment.handout] if assignment.handout.exists() else []
    for folder in (assignment.starter.parent, assignment.public_tests):
        files += sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return files


def _code_lines(text: str) -> set[str]:
    """Substantive lines: long enough that sharing one is not a coincidence."""
    out = set()
    for line in text.splitlines():
        s = line.strip()
        if len(s) >= 30 and not s.startswith(("#", "def ", "import ", "from ", '"""', "raise NotImplementedError")):
            out.add(s)
    return out


def find_leaks(assignment: Assignment) -> list[str]:
    secrets = [p for root in assignment.secrets() if root.exists() for p in root.rglob("*.py")]
    shipped = student_files(assignment)
    leaks = []
    secret_names = {p.name for p in assignment.hidden_tests.rglob("*.py")} - {"conftest.py", "__init__.py"}
    for f in shipped:
        resolved = f.resolve()
        if any(resolved == s.resolve() or s in resolved.parents for s in assignment.secrets()):
            leaks.append(f"{f} is a hidden file")
            continue
        if f.name in secret_names:
            leaks.append(f"{f} has the name of a hidden test file")
        text = f.read_text(errors="replace")
        for s in secrets:
            shared = _code_lines(text) & _code_lines(s.read_text(errors="replace"))
            if len(shared) >= 3:
                leaks.append(f"{f.relative_to(assignment.root)} shares {len(shared)} code lines with "
                             f"{s.name} (hidden), e.g. {sorted(shared)[0][:60]!r}")
    return leaks


def validate(assignment: Assignment, backend: Backend | str = "local",
             progress: Callable[[str], None] | None = None) -> ValidationReport:
    started = time.monotonic()
    report = ValidationReport(assignment.name)
    say = progress or (lambda text: None)

    say("reference")
    ref = grade(assignment, assignment.reference, backend)
    failed = [t.name for t in ref.tests if t.status == "failed"]
    report.add("reference scores full marks", ref.max_score > 0 and ref.score == ref.max_score and not failed,
               f"{ref.score:g}/{ref.max_score:g} in {ref.execution_time:.1f} s"
               + (f"; failed: {', '.join(failed[:5])}" if failed else ""))
    if assignment.public_tests.is_dir():
        pub = grade(assignment, assignment.reference, backend, suite="public")
        report.add("reference passes the public tests", pub.max_score > 0 and pub.score == pub.max_score,
                   f"{pub.score:g}/{pub.max_score:g}")

    say("starter")
    try:
        starter = grade(assignment, assignment.starter, backend)
        report.add("starter scores zero", starter.score == 0, f"{starter.score:g}/{starter.max_score:g}")
    except Exception as exc:  # noqa: BLE001 - this check exists to catch exactly this
        report.add("starter scores zero", False, f"the grader crashed: {type(exc).__name__}: {exc}")

    mutants = assignment.mutants()
    report.add("at least one mutant", bool(mutants), f"{len(mutants)} mutants")
    with tempfile.TemporaryDirectory() as tmp:
        for m in mutants:
            say(f"mutant {m.name}")
            path = Path(tmp) / m.name / f"{assignment.module}.py"
            path.parent.mkdir()
            path.write_text(mutant_source(assignment.reference, m.path))
            res = grade(assignment, path, backend)
            named = {t.diagnosis[0]["mutant"] for t in res.tests if t.diagnosis}  # the top match only
            caught = res.score < res.max_score
            report.add(f"mutant {m.name}", caught and m.name in named,
                       f"{res.score:g}/{res.max_score:g}; "
                       + ("diagnosed as itself" if m.name in named else f"diagnosed as {sorted(named) or 'nothing'}")
                       + ("" if caught else "; NOT caught"))

    say("determinism")
    again = grade(assignment, assignment.reference, backend)
    report.add("two runs give the same score", again.score == ref.score
               and [t.status for t in again.tests] == [t.status for t in ref.tests],
               f"{ref.score:g} and {again.score:g}")

    leaks = find_leaks(assignment)
    report.add("nothing hidden in the student handout", not leaks,
               "; ".join(leaks[:5]) or f"{len(student_files(assignment))} student files checked")
    report.seconds = time.monotonic() - started
    return report
