"""A rich table of one grading result, for the student's or TA's terminal."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from autograder.scoring.results import GradingResult

_STATUS = {"passed": "[green]passed[/]", "failed": "[red]failed[/]", "skipped": "[yellow]skipped[/]"}


def render(result: GradingResult, console: Console | None = None, show_passed: bool = True) -> None:
    console = console or Console()
    for message in result.messages:
        style = "bold red" if message.startswith(("UNSANDBOXED", "Score set to 0", "Your submission")) else "yellow"
        console.print(Panel(escape(message), style=style))
    table = Table(title=f"{result.assignment} (version {result.version})", show_lines=True, expand=True)
    table.add_column("test", overflow="fold", ratio=2)
    table.add_column("points", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("feedback", overflow="fold", ratio=5)
    for t in result.tests:
        if t.status == "passed" and not show_passed:
            continue
        feedback = t.feedback if t.status != "passed" else ""
        for d in t.diagnosis:
            feedback += f"\nLikely mistake: {d['title']}. {d['hint']}"
        if t.status == "failed" and t.hint:
            feedback += f"\nHint: {t.hint}"
        if t.output:
            feedback += f"\nYour code printed:\n{t.output.rstrip()[:600]}"
        if t.status == "failed" and t.seed is not None:
            feedback += f"\n(seed {t.seed})"
        table.add_row(escape(t.name), f"{t.score:g}/{t.max_score:g}", _STATUS.get(t.status, t.status),
                      escape(feedback.strip()))
    console.print(table)
    colour = "green" if result.max_score and result.score >= result.max_score else "red"
    console.print(f"[bold {colour}]Score: {result.score:g} / {result.max_score:g}[/]  "
                  f"({result.execution_time:.1f} s, backend {result.backend})")
