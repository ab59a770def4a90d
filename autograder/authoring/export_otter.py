"""``autograder export otter``: the public tests as otter-grader test files.

A course that hands out notebooks with otter can then call
``grader.check("sigmoid_small")`` after each question. otter has no pytest
support, so each public test function becomes one exception-based test file
(``OK_FORMAT = False``) whose ``@test_case`` functions, one per parametrized
case, take the student's API functions from the notebook's globals by name
and run the *original* pytest test on them, in process, with the grader's
seeds (``autograder.authoring.inprocess.run_public_case``). One source of
truth: the otter checks cannot drift from ``autograder check``.

otter executes a test file without ``__file__``, so each file carries the
public test sources it needs. The files need ``dlcourse-autograder`` (for
``autograder.testing`` and the runner) where the notebook runs.
"""

from __future__ import annotations

import ast
import re
from collections import OrderedDict
from pathlib import Path

from autograder.assignments import Assignment
from autograder.authoring.handout import HandoutError, check_shippable
from autograder.judge.run import collect_tests

TEST_FILE = '''"""otter-grader test {qname!r} of {assignment}, exported by `autograder export otter`.

Each case runs the public test {source} itself, in this process, with
`submission` standing for your notebook's functions (taken from its globals by
name) and the grader's own seeds, so it agrees with `autograder check`.
Needs the course's grader package (pip install dlcourse-autograder).
Do not edit: export again instead.
"""

from otter.test_files import test_case

from autograder.authoring.inprocess import run_public_case

OK_FORMAT = False

name = {qname!r}
points = {points!r}

_ASSIGNMENT = {assignment!r}
_SEED = {seed!r}
_SOURCES = {sources!r}
'''

CASE = '''

@test_case(name={case_name!r}, points={points!r}, hidden=False)
def {function}({params}):
    run_public_case(_SOURCES, {nodeid!r}, locals(), _ASSIGNMENT, _SEED)
'''

README = """# otter-grader checks for {name}

Exported by `autograder export otter {name}`: one exception-based otter test
file per public test, each running that pytest test on the notebook's
functions with the grader's seeds. Put `tests/` next to the students'
notebook, make sure `dlcourse-autograder` is installed where the notebook runs
(`requirements.txt`), and check a question with

```python
import otter
grader = otter.Notebook(tests_dir="tests")
grader.check("{first}")
```

| otter test | public test | points |
|---|---|---|
{rows}
"""


def api_names(starter: Path) -> list[str]:
    """The student's public API: top-level functions and classes of the starter, in order."""
    tree = ast.parse(starter.read_text(encoding="utf-8"))
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and not n.name.startswith("_")]


def public_sources(assignment: Assignment) -> dict[str, str]:
    """Every file of the public test folder, as ``tests/public/<path>`` -> text."""
    out = {}
    for path in sorted(assignment.public_tests.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(assignment.root).as_posix()
        try:
            out[rel] = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise HandoutError(f"{rel} is not text: an otter test file cannot carry it") from None
    return out


def _identifier(text: str) -> str:
    ident = re.sub(r"\W+", "_", text).strip("_") or "test"
    return ident if not ident[0].isdigit() else f"t_{ident}"


def export_otter(assignment: Assignment, out: Path) -> list[Path]:
    """Writes ``out/tests/<question>.py`` (one per public test function), README and requirements."""
    check_shippable(assignment, "the otter tests")  # these go to students: the same refusals as the handout
    api = api_names(assignment.starter)
    if not api:
        raise HandoutError(f"{assignment.starter} defines no functions: nothing to take from the notebook")
    sources = public_sources(assignment)
    groups: OrderedDict[tuple[str, str], list] = OrderedDict()
    for test in collect_tests(assignment, "public"):
        nodeid = test.nodeid.split("/", 1)[1]  # drop "<assignment>/": relative to the assignment folder
        path, _, function = nodeid.partition("::")
        groups.setdefault((path, function.split("[", 1)[0]), []).append((nodeid, test))
    if not groups:
        raise HandoutError(f"{assignment.name} has no public tests to export")
    functions = [f for _, f in groups]
    tests_dir = Path(out) / "tests"
    tests_dir.mkdir(parents=True, exist_ok=True)
    written, rows = [], []
    for (path, function), cases in groups.items():
        short = _identifier(function.split("::")[-1].removeprefix("test_"))
        qname = short if functions.count(function) == 1 else f"{_identifier(Path(path).stem)}_{short}"
        points = sum(t.max_score for _, t in cases)
        text = TEST_FILE.format(qname=qname, assignment=assignment.name, source=f"{path}::{function}",
                                points=points, seed=assignment.seed, sources=sources)
        for number, (nodeid, test) in enumerate(cases, start=1):
            text += CASE.format(case_name=test.name, points=test.max_score, function=f"{qname}_{number}",
                                params=", ".join(api), nodeid=nodeid)
        target = tests_dir / f"{qname}.py"
        target.write_text(text, encoding="utf-8")
        written.append(target)
        rows.append(f"| `{qname}` | `{path}::{function}` | {points:g} |")
    (Path(out) / "README.md").write_text(README.format(name=assignment.name, first=written[0].stem,
                                                       rows="\n".join(rows)), encoding="utf-8")
    (Path(out) / "requirements.txt").write_text("dlcourse-autograder\n", encoding="utf-8")
    return [*written, Path(out) / "README.md", Path(out) / "requirements.txt"]
