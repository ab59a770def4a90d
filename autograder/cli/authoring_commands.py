"""Instructor commands: ``new``, ``handout``, ``export gradescope``, ``export otter``.

Kept apart from ``main.py`` so the student- and TA-facing commands stay
short; ``add_parsers`` registers these on the main parser's subparsers.
Exit status follows ``main``: 0 done, 1 refused (the assignment would leak
something, or is not in a state to ship), 2 usage error.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from rich.console import Console

from autograder.assignments import get_assignment

EXIT_OK, EXIT_REFUSED = 0, 1


def _console() -> Console:
    return Console(highlight=False)


def _new_course_root(args: argparse.Namespace) -> Path:
    """Where ``new`` writes: --course, $AUTOGRADER_COURSE, else the current folder (never the installed package)."""
    if args.course is not None:
        return Path(args.course)
    env = os.environ.get("AUTOGRADER_COURSE")
    return Path(env) if env else Path.cwd()


def cmd_new(args: argparse.Namespace) -> int:
    from autograder.authoring.new import create

    course = _new_course_root(args)
    created = create(course, args.name, args.template, module=args.module, title=args.title)
    console = _console()
    console.print(f"Created {args.name} from the {args.template} template:")
    for path in created.files:
        console.print(f"  {path}")
    course_opt = f"--course {course} " if args.course is not None else ""
    console.print(f"Next: edit them, then prove the assignment sound with  autograder {course_opt}validate {args.name}")
    return EXIT_OK


def cmd_handout(args: argparse.Namespace) -> int:
    from autograder.authoring.handout import HandoutError, build_handout

    assignment = get_assignment(args.assignment, args.course)
    out = args.out or Path(f"{assignment.name}-handout.zip")
    try:
        handout = build_handout(assignment, out, notebook=args.notebook)
    except HandoutError as exc:
        _console().print(f"[red]{exc}[/]")
        return EXIT_REFUSED
    console = _console()
    console.print(f"Wrote {handout.path} ({len(handout.entries)} files):")
    for entry in handout.entries:
        console.print(f"  {entry}")
    return EXIT_OK


def cmd_export_gradescope(args: argparse.Namespace) -> int:
    from autograder.authoring.export_gradescope import export_gradescope

    assignment = get_assignment(args.assignment, args.course)
    names = export_gradescope(assignment, args.out, torch_version=args.torch)
    _console().print(f"Wrote {args.out} ({len(names)} files). Upload it as the assignment's autograder; "
                     "setup.sh grades the reference once to prove the sandbox works there.")
    return EXIT_OK


def cmd_export_otter(args: argparse.Namespace) -> int:
    from autograder.authoring.export_otter import export_otter
    from autograder.authoring.handout import HandoutError

    assignment = get_assignment(args.assignment, args.course)
    try:
        files = export_otter(assignment, args.out)
    except HandoutError as exc:
        _console().print(f"[red]{exc}[/]")
        return EXIT_REFUSED
    tests = [f for f in files if f.suffix == ".py"]
    _console().print(f"Wrote {len(tests)} otter test files to {args.out / 'tests'}; see {args.out / 'README.md'}")
    return EXIT_OK


def add_parsers(sub: argparse._SubParsersAction) -> None:
    """Registers ``new``, ``handout`` and ``export`` on the ``autograder`` command's subparsers."""
    from autograder.authoring.new import TEMPLATES

    p = sub.add_parser("new", help="start a new assignment from a template (for instructors)")
    p.add_argument("name", help="the assignment's name: lower-case letters, digits and _")
    p.add_argument("--template", choices=TEMPLATES, default="numpy")
    p.add_argument("--module", help="the student's module name (default: the assignment's name)")
    p.add_argument("--title", help="the assignment's title")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("handout", help="build the student handout zip (refuses if anything hidden would ship)")
    p.add_argument("assignment")
    p.add_argument("--out", type=Path, help="the zip to write (default: NAME-handout.zip here)")
    p.add_argument("--notebook", action="store_true", help="also a starter notebook, graded like the .py")
    p.set_defaults(func=cmd_handout)

    p = sub.add_parser("export", help="export an assignment to another platform")
    targets = p.add_subparsers(dest="target", required=True)
    g = targets.add_parser("gradescope", help="a Gradescope autograder bundle (setup.sh, run_autograder)")
    g.add_argument("assignment")
    g.add_argument("--out", type=Path, default=Path("autograder.zip"))
    g.add_argument("--torch", default="2.13.0", help="the torch version setup.sh installs (CPU build)")
    g.set_defaults(func=cmd_export_gradescope)
    o = targets.add_parser("otter", help="the public tests as otter-grader test files for grader.check()")
    o.add_argument("assignment")
    o.add_argument("--out", type=Path, required=True, help="folder to write tests/ and README.md into")
    o.set_defaults(func=cmd_export_otter)
