"""``autograder handout``: the zip students get, and nothing they must not get.

Contents (under one folder named after the assignment): ``handout.md`` and
its HTML rendering, the starter, the public tests laid out as a one-assignment
course (so ``autograder check NAME MODULE.py`` works in the unpacked folder),
a ``conftest.py`` that lets plain ``pytest`` run the same tests in-process,
a README, and with ``--notebook`` a starter notebook.

The build refuses, naming the file, when a hidden test, a mutant or a
reference file would ship, or content copied from one (``find_leaks``), and
when a public test asks for a judge-only fixture (``reference``): students
have no reference, so such a test could not run on their machine and would
tempt an author to ship one.
"""

from __future__ import annotations

import ast
import html
import json
import zipfile
from dataclasses import dataclass, field, fields
from pathlib import Path

from autograder.assignments import Assignment, AssignmentError
from autograder.authoring.inprocess import JUDGE_ONLY_FIXTURES
from autograder.authoring.validate import find_leaks, student_files

ZIP_DATE = (2020, 1, 1, 0, 0, 0)  # fixed: the same assignment gives the same zip


class HandoutError(AssignmentError):
    """Building the handout would ship something students must not have."""


@dataclass
class Handout:
    path: Path
    entries: list[str] = field(default_factory=list)


def judge_only_fixture_uses(public_tests: Path) -> list[str]:
    """Where public test code asks for a fixture that exists only in the judge."""
    found = []
    for path in sorted(public_tests.rglob("*.py")) if public_tests.is_dir() else []:
        rel = path.relative_to(public_tests.parent.parent)
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError as exc:
            found.append(f"{rel}: does not parse ({exc.msg}, line {exc.lineno})")
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                args = node.args
                for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
                    if arg.arg in JUDGE_ONLY_FIXTURES:
                        found.append(f"{rel}:{node.lineno}: {node.name}() takes the {arg.arg!r} fixture")
            elif isinstance(node, ast.Call):  # request.getfixturevalue("reference"), mark.usefixtures("reference")
                name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                if name in ("getfixturevalue", "usefixtures"):
                    for a in node.args:
                        if isinstance(a, ast.Constant) and a.value in JUDGE_ONLY_FIXTURES:
                            found.append(f"{rel}:{node.lineno}: {name}({a.value!r})")
    return found


def check_shippable(assignment: Assignment, what: str = "the handout") -> None:
    """Raises ``HandoutError`` listing every reason ``what`` (files for students) must not be built."""
    problems = [f"leak: {leak}" for leak in find_leaks(assignment)]
    problems += [f"public test needs a judge-only fixture: {use} (students have no reference; compute the "
                 "expected value in the test, or move the test to tests/hidden)"
                 for use in judge_only_fixture_uses(assignment.public_tests)]
    if not assignment.starter.exists():
        problems.append(f"no starter: {assignment.starter} is missing")
    if problems:
        raise HandoutError(f"refusing to build {what} of {assignment.name}:\n  " + "\n  ".join(problems))


def render_html(markdown_text: str, title: str) -> str:
    """The handout as one self-contained HTML page (raw HTML in the Markdown is escaped, not run)."""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown_text)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 50rem; margin: 2rem auto; padding: 0 1rem; line-height: 1.5; }}
pre {{ background: #f6f8fa; padding: 0.75rem; overflow-x: auto; }}
code {{ font-family: ui-monospace, monospace; font-size: 0.95em; }}
table {{ border-collapse: collapse; }} th, td {{ border: 1px solid #ccc; padding: 0.3rem 0.6rem; }}
</style>
</head>
<body>
{body}</body>
</html>
"""


def student_toml(assignment: Assignment) -> str:
    """What ``autograder check`` needs in the unpacked folder: names, seed, limits; no instructor tables."""
    meta = {"name": assignment.name, "title": assignment.title, "version": assignment.version,
            "module": assignment.module, "forbidden": list(assignment.forbidden), "seed": assignment.seed,
            "gpu": assignment.gpu}
    limits = {f.name: getattr(assignment.limits, f.name) for f in fields(assignment.limits) if f.name != "gpu"}

    def line(key: str, value: object) -> str:  # JSON scalars and string lists are valid TOML
        return f"{key} = {json.dumps(value)}"

    return "\n".join(["[assignment]", *(line(k, v) for k, v in meta.items()), "", "[limits]",
                      *(line(k, v) for k, v in limits.items()), ""])


CONFTEST = '''"""Lets plain `pytest`, run in this folder, check your {module}.py with the public tests.

Your code is imported into the pytest process itself: quick, and fine on your
own machine. `autograder check {name} {module}.py` runs the same tests the way
the grader does, in a sandbox. To test another file (a notebook, say):
`pytest --submission={module}.ipynb`. Both need the course's grader package:
pip install dlcourse-autograder
"""

from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ASSIGNMENT, MODULE, SEED = {name!r}, {module!r}, {seed!r}


def pytest_addoption(parser):
    parser.addoption("--submission", default=None, help=f"your {{MODULE}}.py or .ipynb (default: {{MODULE}}.py here)")


def pytest_configure(config):
    try:
        from autograder.authoring import inprocess
    except ImportError:
        raise pytest.UsageError("the public tests need the course's grader package: "
                                "pip install dlcourse-autograder") from None
    if inprocess.under_grader(config):
        return  # `autograder check` brings its own, sandboxed, fixtures
    path = Path(config.getoption("--submission", default=None) or HERE / f"{{MODULE}}.py")
    submission = inprocess.InProcessSubmission(inprocess.module_namespace(path, MODULE), path.name)
    plugin = inprocess.InProcessPlugin(submission, ASSIGNMENT, SEED, HERE / "assignments" / ASSIGNMENT)
    config.pluginmanager.register(plugin, "autograder-inprocess")
'''

PYTEST_INI = """[pytest]
testpaths = assignments/{name}/tests/public
"""

README = """# {title}

| file | what it is |
|---|---|
| `handout.md`, `handout.html` | the assignment: what to implement, the maths, the API |
| {starter_rows} | the starter: fill in every function, then hand it in |
{notebook_row}| `assignments/{name}/tests/public/` | the public tests (the graded suite has more) |
| `conftest.py`, `pytest.ini` | let plain `pytest` run the public tests |

Install the course's grader once: `pip install dlcourse-autograder`. Then, in
this folder, run the public tests either way:

    {check_cmd}  # as the grader runs them, sandboxed
    {pytest_cmd}  # plain pytest, your code imported in-process

{notebook_hint}Passing the public tests does not mean full marks: the graded suite tries
more inputs. A failing public test reproduces with the same seed both ways.
"""


def _entries(assignment: Assignment, notebook: bool) -> dict[str, bytes]:
    """Zip path (under the top folder) -> content."""
    name, module = assignment.name, assignment.module
    out: dict[str, bytes] = {}
    starter_dir = assignment.starter.parent
    for path in student_files(assignment):
        if path == assignment.handout:
            out["handout.md"] = path.read_bytes()
        elif starter_dir in path.parents:
            out[path.relative_to(starter_dir).as_posix()] = path.read_bytes()
        else:
            out[f"assignments/{name}/{path.relative_to(assignment.root).as_posix()}"] = path.read_bytes()
    text = assignment.handout.read_text(encoding="utf-8") if assignment.handout.exists() else f"# {assignment.title}\n"
    generated = {
        "handout.html": render_html(text, assignment.title),
        "conftest.py": CONFTEST.format(name=name, module=module, seed=assignment.seed),
        "pytest.ini": PYTEST_INI.format(name=name),
        f"assignments/{name}/assignment.toml": student_toml(assignment),
    }
    if notebook:
        from autograder.authoring.notebook import notebook_json

        generated[f"{module}.ipynb"] = notebook_json(assignment)
    starters = sorted(p for p in out if "/" not in p and p not in ("handout.md",))
    check_cmd = f"autograder check {name} {module}.py"
    generated["README.md"] = README.format(
        title=assignment.title, name=name, module=module,
        starter_rows=", ".join(f"`{p}`" for p in starters),
        notebook_row=f"| `{module}.ipynb` | the same starter as a notebook (hand in either) |\n" if notebook else "",
        check_cmd=check_cmd, pytest_cmd="pytest".ljust(len(check_cmd)),
        notebook_hint=f"`pytest --submission={module}.ipynb` tests the notebook instead.\n\n" if notebook else "")
    clash = sorted(set(out) & set(generated))
    if clash:
        raise HandoutError(f"the starter has files named like the handout's own: {', '.join(clash)}")
    out.update({k: v.encode("utf-8") for k, v in generated.items()})
    return out


def build_handout(assignment: Assignment, out: Path, notebook: bool = False) -> Handout:
    """Writes the handout zip to ``out`` after ``check_shippable``; the zip is byte-for-byte reproducible."""
    check_shippable(assignment)
    entries = _entries(assignment, notebook)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel in sorted(entries):
            info = zipfile.ZipInfo(f"{assignment.name}/{rel}", date_time=ZIP_DATE)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, entries[rel])
    tmp.replace(out)
    return Handout(out, [f"{assignment.name}/{rel}" for rel in sorted(entries)])
