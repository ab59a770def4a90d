"""The ``autograder`` command.

Exit status: 0 whenever grading completed, whatever the score; 1 when
``validate`` finds a problem; 2 for a usage error or a fault of the grader
itself (no sandbox, a broken test suite). Scripts can therefore tell "the
student scored 0" from "the grader could not grade".
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from autograder.assignments import AssignmentError, find_assignments, get_assignment
from autograder.cli import image as image_cli
from autograder.cli.authoring_commands import add_parsers as add_authoring_parsers
from autograder.sandbox import BACKENDS, SandboxUnavailable, get_backend

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _console() -> Console:
    return Console(stderr=False, highlight=False)


def cmd_list(args: argparse.Namespace) -> int:
    table = Table(title="Assignments")
    for col in ("name", "title", "module", "version", "mutants", "gpu"):
        table.add_column(col)
    for a in find_assignments(args.course).values():
        table.add_row(a.name, a.title, f"{a.module}.py", a.version, str(len(a.mutants())), "yes" if a.gpu else "")
    _console().print(table)
    return EXIT_OK


def _check_backend(name: str, console: Console) -> str:
    """``check`` runs the student's own code on their own machine: no sandbox is acceptable there."""
    try:
        get_backend(name)
        return name
    except SandboxUnavailable as exc:
        if name != "local":
            raise
        console.print(f"[yellow]No sandbox available ({exc}); running your code unsandboxed.[/]")
        return "none"


def _grade_and_report(args: argparse.Namespace, suite: str) -> int:
    from autograder.judge.run import grade
    from autograder.reports import feedback, terminal

    assignment = get_assignment(args.assignment, args.course)
    console = _console()
    backend = _check_backend(args.backend, console) if suite == "public" else args.backend
    result = grade(assignment, Path(args.submission), backend, suite=suite)
    if getattr(args, "out", None):
        paths = feedback.write_all(result, Path(args.out))
        if args.format == "text":
            console.print(f"Results written to {paths['json']}, {paths['md']} and {paths['html']}")
    fmt = getattr(args, "format", "text")
    if fmt == "json":
        sys.stdout.write(feedback.to_json(result) + "\n")
    elif fmt == "md":
        sys.stdout.write(feedback.to_markdown(result))
    else:
        terminal.render(result, console)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    args.format = "text"
    return _grade_and_report(args, "public")


def cmd_grade(args: argparse.Namespace) -> int:
    return _grade_and_report(args, "hidden")


def cmd_validate(args: argparse.Namespace) -> int:
    from autograder.authoring.validate import validate

    available = find_assignments(args.course)
    names = sorted(available) if args.all else args.assignments
    if not names:
        raise AssignmentError("name an assignment or pass --all")
    console = _console()
    all_ok = True
    for name in names:
        assignment = get_assignment(name, args.course)
        with console.status(f"validating {name}") as status:
            report = validate(assignment, args.backend, progress=lambda what: status.update(f"{name}: {what}"))
        table = Table(title=f"validate {name} ({report.seconds:.1f} s)", expand=True)
        table.add_column("check", ratio=2)
        table.add_column("result", no_wrap=True)
        table.add_column("detail", ratio=4, overflow="fold")
        for c in report.checks:
            table.add_row(c.name, "[green]ok[/]" if c.ok else "[red]FAIL[/]", c.detail)
        console.print(table)
        all_ok &= report.ok
    console.print("[green]all checks passed[/]" if all_ok else "[red]validation failed[/]")
    return EXIT_OK if all_ok else EXIT_INVALID


def cmd_batch(args: argparse.Namespace) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, \
        TimeRemainingColumn

    from autograder.batch import outputs
    from autograder.batch.inputs import discover
    from autograder.batch.late import LatePolicy
    from autograder.batch.runner import run_batch
    from autograder.batch.store import ResultStore

    assignment = get_assignment(args.assignment, args.course)
    console = _console()
    try:
        get_backend(args.backend)  # fail early, before anything is unpacked or graded
    except SandboxUnavailable as exc:
        if args.backend != "zygote":
            raise
        console.print(f"[yellow]The zygote sandbox is unavailable ({exc}); using the local backend.[/]")
        args.backend = "local"
    out: Path = args.out
    policy = LatePolicy.load(assignment.extra.get("late", {}), args.late_policy, args.extensions)
    found = discover(args.submissions, rule=args.duplicates)
    for note in found.notes:
        console.print(f"[yellow]{note}[/]")
    store = ResultStore(out / "results.sqlite")
    columns = (TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[rate]}"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn())
    try:
        with Progress(*columns, console=console) as progress:
            task = progress.add_task(f"grading {assignment.name}", total=len(found.submissions), rate="")

            def advance(_: object) -> None:
                speed = progress.tasks[0].speed
                progress.update(task, advance=1, rate=f"{speed:.2f}/s" if speed else "")

            def finished(stored) -> None:  # type: ignore[no-untyped-def]
                outputs.write_student(out, stored, policy)
                advance(stored)

            stats = run_batch(assignment, found.submissions, store, args.jobs, args.backend, finished, advance)
        rows = store.all()
        current = {s.student for s in found.submissions}
        rows = [r for r in rows if r.student in current]
        for r in rows:  # the late policy may have changed since a resumed result was graded
            outputs.write_student(out, r, policy)
        gradebook = outputs.write_gradebook(out, rows, policy)
        summary = outputs.write_summary(out, rows, assignment.name)
    finally:
        store.close()
        found.cleanup()
    table = Table(title=f"batch {assignment.name}")
    for col in ("students", "graded now", "already graded", "not gradable", "mean score", "seconds"):
        table.add_column(col, justify="right")
    mean = sum(r.result.score for r in rows) / len(rows) if rows else 0.0
    table.add_row(str(len(rows)), str(stats.graded), str(stats.skipped), str(sum(1 for r in rows if r.result.error)),
                  f"{mean:.2f} / {rows[0].result.max_score:g}" if rows else "-", f"{stats.seconds:.1f}")
    console.print(table)
    console.print(f"Gradebook: {gradebook}\nSummary: {summary}\nFeedback: {out / 'feedback'}")
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="autograder", description="Sandboxed grading and authoring of deep-learning assignments.")
    parser.add_argument("--course", type=Path, default=None,
                        help="folder with assignments/ and reference/ (default: $AUTOGRADER_COURSE, ., the checkout)")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("list", help="list the assignments").set_defaults(func=cmd_list)

    p = sub.add_parser("check", help="run the public tests on your submission (fast, for students)")
    p.add_argument("assignment")
    p.add_argument("submission", help="a .py file, a folder, a .zip or a .ipynb")
    p.add_argument("--backend", choices=BACKENDS, default="local")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("grade", help="grade a submission with the hidden tests")
    p.add_argument("assignment")
    p.add_argument("submission", help="a .py file, a folder, a .zip or a .ipynb")
    p.add_argument("--backend", choices=BACKENDS, default="local")
    p.add_argument("--out", type=Path, help="write results.json, feedback.md and feedback.html here")
    p.add_argument("--format", choices=("text", "json", "md"), default="text",
                   help="json prints Gradescope's results.json on stdout")
    p.set_defaults(func=cmd_grade)

    p = sub.add_parser("batch", help="grade a whole class: resumable, with a gradebook (for TAs)")
    p.add_argument("assignment")
    p.add_argument("submissions", type=Path,
                   help="a folder with one file or folder per student, a zip of it, or a Gradescope export")
    p.add_argument("--out", type=Path, required=True, help="output folder (results database, gradebook, feedback)")
    p.add_argument("--jobs", type=int, default=max(1, (os.cpu_count() or 1)), help="judges grading at once")
    p.add_argument("--backend", choices=BACKENDS, default="zygote",
                   help="zygote (default): the local sandbox forked per student from a pre-imported template, "
                        "falling back to local where it cannot run")
    p.add_argument("--duplicates", choices=("latest", "earliest"), default="latest",
                   help="which attempt counts when a student submitted several times")
    p.add_argument("--late-policy", type=Path, help="a TOML file with a [late] table (overrides assignment.toml)")
    p.add_argument("--extensions", type=Path, help="a CSV with columns student,days")
    p.set_defaults(func=cmd_batch)

    p = sub.add_parser("validate", help="prove assignments sound (reference, starter, mutants, leaks)")
    p.add_argument("assignments", nargs="*")
    p.add_argument("--all", action="store_true")
    p.add_argument("--backend", choices=BACKENDS, default="local")
    p.set_defaults(func=cmd_validate)
    image_cli.add_parser(sub)
    add_authoring_parsers(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (AssignmentError, SandboxUnavailable) as exc:
        print(f"autograder: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - a grader fault: say so, exit 2, keep the traceback available
        if os.environ.get("AUTOGRADER_DEBUG"):
            raise
        print(f"autograder: internal error: {type(exc).__name__}: {exc}\n"
              "(set AUTOGRADER_DEBUG=1 for the traceback)", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
