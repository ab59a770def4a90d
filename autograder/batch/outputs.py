"""What a batch leaves for the TA: gradebook, feedback files, results, summary.

``gradebook.csv`` has one row per student (total after the late penalty,
raw score, lateness, status, each test's score) and a "points possible"
row first, the shape spreadsheets and LMS imports expect.
"""

from __future__ import annotations

import copy
import csv
import re
import statistics
from collections import Counter
from pathlib import Path

from autograder.batch.late import LatePolicy, Lateness
from autograder.batch.store import StoredResult
from autograder.reports import feedback
from autograder.scoring.results import GradingResult


def safe_name(student: str) -> str:
    return re.sub(r"[^A-Za-z0-9._@-]", "_", student)[:120] or "student"


def with_lateness(result: GradingResult, lateness: Lateness) -> GradingResult:
    """The result as the student sees it: the penalty applied to the score, and said."""
    if not lateness.days:
        return result
    late = copy.deepcopy(result)
    late.score_override = round(result.score * (1 - lateness.penalty), 6)
    late.messages.insert(0, f"Submitted {lateness.days} day(s) late: {lateness.penalty:.0%} penalty "
                            f"({result.score:g} -> {late.score_override:g}).")
    return late


def write_student(out: Path, stored: StoredResult, policy: LatePolicy) -> GradingResult:
    from datetime import datetime

    submitted = datetime.fromisoformat(stored.submitted_at) if stored.submitted_at else None
    result = with_lateness(stored.result, policy.assess(stored.student, submitted))
    name = safe_name(stored.student)
    (out / "results").mkdir(parents=True, exist_ok=True)
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    (out / "results" / f"{name}.json").write_text(feedback.to_json(result))
    (out / "feedback" / f"{name}.md").write_text(feedback.to_markdown(result))
    (out / "feedback" / f"{name}.html").write_text(feedback.to_html(result))
    return result


def write_gradebook(out: Path, rows: list[StoredResult], policy: LatePolicy) -> Path:
    from datetime import datetime

    tests: list[str] = []
    max_scores: dict[str, float] = {}
    for r in rows:
        for t in r.result.tests:
            if t.name not in max_scores:
                tests.append(t.name)
                max_scores[t.name] = t.max_score
    possible = max((r.result.max_score for r in rows), default=0.0)
    path = out / "gradebook.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["student", "name", "email", "total", "raw_score", "late_days", "late_penalty", "status",
                    "submitted_at", *tests])
        w.writerow(["Points Possible", "", "", possible, possible, "", "", "", "", *[max_scores[t] for t in tests]])
        for r in rows:
            submitted = datetime.fromisoformat(r.submitted_at) if r.submitted_at else None
            late = policy.assess(r.student, submitted)
            final = with_lateness(r.result, late)
            scores = {t.name: t.score for t in r.result.tests}
            status = "error" if r.result.error else "graded"
            w.writerow([r.student, r.name, r.email, round(final.score, 4), round(r.result.score, 4), late.days,
                        late.penalty, status, r.submitted_at or "", *[scores.get(t, 0.0) for t in tests]])
    return path


def write_summary(out: Path, rows: list[StoredResult], assignment: str) -> Path:
    scores = [r.result.score for r in rows]
    possible = max((r.result.max_score for r in rows), default=0.0)
    lines = [f"# Batch summary: {assignment}", "",
             f"{len(rows)} students; mean {statistics.fmean(scores) if scores else 0:.2f}, "
             f"median {statistics.median(scores) if scores else 0:.2f} of {possible:g} points; "
             f"{sum(1 for r in rows if r.result.error)} could not be graded.", "",
             "![score histogram](histogram.png)", "", "## Pass rate per test", "",
             "| test | points | passed | pass rate |", "|---|---|---|---|"]
    passed: Counter[str] = Counter()
    seen: dict[str, float] = {}
    for r in rows:
        for t in r.result.tests:
            seen.setdefault(t.name, t.max_score)
            passed[t.name] += t.status == "passed"
    for name, points in seen.items():
        lines.append(f"| {name} | {points:g} | {passed[name]} | {passed[name] / len(rows):.0%} |")
    mistakes: Counter[str] = Counter()
    for r in rows:
        for d in r.result.diagnoses():
            mistakes[d["title"]] += 1
    lines += ["", "## Most common diagnosed mistakes", ""]
    lines += [f"- {title}: {n} student(s)" for title, n in mistakes.most_common(10)] or ["- none diagnosed"]
    lines += ["", "## Slowest submissions", "", "| student | seconds | score |", "|---|---|---|"]
    for r in sorted(rows, key=lambda r: -r.seconds)[:10]:
        lines.append(f"| {r.student} | {r.seconds:.1f} | {r.result.score:g} |")
    errors = [r for r in rows if r.result.error]
    if errors:
        lines += ["", "## Not graded", ""] + [f"- {r.student}: {r.result.error}" for r in errors]
    _histogram(out / "histogram.png", scores, possible)
    path = out / "summary.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def _histogram(path: Path, scores: list[float], possible: float) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.hist(scores, bins=min(20, max(5, len(set(scores)))), range=(0, possible or 1), color="#4477aa")
    ax.set_xlabel("score")
    ax.set_ylabel("students")
    ax.set_title(f"Scores ({len(scores)} students)")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
