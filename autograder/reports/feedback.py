"""Per-submission feedback files: Markdown, HTML and the results JSON."""

from __future__ import annotations

import html
import json
from pathlib import Path

from autograder.scoring.results import GradingResult


def to_json(result: GradingResult) -> str:
    return json.dumps(result.to_gradescope(), indent=2)


def to_markdown(result: GradingResult) -> str:
    lines = [f"# Feedback: {result.assignment}", "", result.summary_markdown(), "",
             "| # | test | points | status |", "|---|---|---|---|"]
    for i, t in enumerate(result.tests, 1):
        lines.append(f"| {i} | {t.name} | {t.score:g} / {t.max_score:g} | {t.status} |")
    for i, t in enumerate(result.tests, 1):
        if t.status == "passed":
            continue
        lines += ["", f"## {i}. {t.name} ({t.status})", "", t.markdown()]
    return "\n".join(lines) + "\n"


def to_html(result: GradingResult, extra_html: str = "") -> str:
    """Self-contained HTML (no scripts, no external assets) for LMS upload or e-mail."""
    rows = "".join(
        f"<tr class='{t.status}'><td>{i}</td><td>{html.escape(t.name)}</td>"
        f"<td>{t.score:g} / {t.max_score:g}</td><td>{t.status}</td>"
        f"<td><pre>{html.escape(t.markdown())}</pre></td></tr>"
        for i, t in enumerate(result.tests, 1))
    figures = "".join(
        f"<figure><img alt='{html.escape(f['title'])}' src='data:image/png;base64,{f['png']}'>"
        f"<figcaption>{html.escape(t.name)}: {html.escape(f['title'])}</figcaption></figure>"
        for t in result.tests for f in t.figures)
    messages = "".join(f"<li>{html.escape(m)}</li>" for m in result.messages)
    diagnoses = "".join(f"<li><b>{html.escape(d['title'])}</b>: {html.escape(d['hint'])}</li>"
                        for d in result.diagnoses())
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>Feedback: {html.escape(result.assignment)}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:auto}}table{{border-collapse:collapse;width:100%}}
td{{border:1px solid #ccc;padding:4px;vertical-align:top}}tr.failed{{background:#fee}}tr.passed{{background:#efe}}
pre{{white-space:pre-wrap;margin:0}}</style></head><body>
<h1>{html.escape(result.assignment)}: {result.score:g} / {result.max_score:g}</h1>
<ul>{messages}</ul>{f"<h2>Known mistakes</h2><ul>{diagnoses}</ul>" if diagnoses else ""}
<table><tr><th>#</th><th>test</th><th>points</th><th>status</th><th>feedback</th></tr>{rows}</table>
{f"<h2>Pictures</h2>{figures}" if figures else ""}{extra_html}</body></html>
"""


def write_all(result: GradingResult, out_dir: Path, stem: str = "feedback") -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = {"json": out_dir / "results.json" if stem == "feedback" else out_dir / f"{stem}.json",
             "md": out_dir / f"{stem}.md", "html": out_dir / f"{stem}.html"}
    paths["json"].write_text(to_json(result))
    paths["md"].write_text(to_markdown(result))
    paths["html"].write_text(to_html(result))
    return paths
