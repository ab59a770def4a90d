"""Grading results, natively in Gradescope's results.json schema.

One ``TestResult`` per test case (a parametrized case is its own entry) and
one ``GradingResult`` per submission. ``to_gradescope`` is the format every
renderer, the batch database and the Gradescope bundle read back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class TestResult:
    nodeid: str
    name: str
    max_score: float
    score: float = 0.0
    status: str = "failed"  # passed | failed | skipped
    feedback: str = ""
    hint: str = ""
    output: str = ""  # what the student's code printed during the test
    visibility: str = "visible"
    tags: list[str] = field(default_factory=list)
    seed: int | None = None
    duration: float = 0.0
    diagnosis: list[dict] = field(default_factory=list)  # [{"mutant", "title", "hint"}]
    figures: list[dict] = field(default_factory=list)  # [{"title", "png"}], png base64, for HTML feedback

    def markdown(self) -> str:
        parts = []
        if self.status == "skipped":
            parts.append(f"Skipped: {self.feedback}")
        elif self.feedback:
            parts.append(_fence(self.feedback) if "\n" in self.feedback else self.feedback)
        for d in self.diagnosis:
            parts.append(f"**Likely mistake: {d['title']}.** {d['hint']}")
        if self.status == "failed" and self.hint:
            parts.append(f"Hint: {self.hint}")
        if self.output:
            parts.append("Your code printed:\n" + _fence(self.output))
        if self.seed is not None and self.status == "failed":
            parts.append(f"(seed {self.seed})")
        return "\n\n".join(parts)

    def to_gradescope(self, number: int) -> dict[str, Any]:
        return {
            "name": self.name, "number": str(number), "score": round(self.score, 6),
            "max_score": self.max_score, "status": "failed" if self.status == "failed" else "passed",
            "output": self.markdown(), "output_format": "md", "tags": self.tags,
            "visibility": self.visibility,
            "extra_data": {"nodeid": self.nodeid, "outcome": self.status, "seed": self.seed,
                           "duration": round(self.duration, 4), "diagnosis": self.diagnosis,
                           "figures": self.figures},
        }


@dataclass
class GradingResult:
    assignment: str
    version: str
    tests: list[TestResult] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # submission-wide notes, shown first
    execution_time: float = 0.0
    backend: str = "local"
    sandboxed: bool = True
    score_override: float | None = None  # policy: e.g. zero for a forbidden import
    error: str | None = None  # the submission could not be graded at all

    @property
    def max_score(self) -> float:
        return sum(t.max_score for t in self.tests)

    @property
    def score(self) -> float:
        if self.score_override is not None:
            return self.score_override
        return sum(t.score for t in self.tests)

    def diagnoses(self) -> list[dict]:
        seen: dict[str, dict] = {}
        for t in self.tests:
            for d in t.diagnosis:
                seen.setdefault(d["mutant"], {**d, "tests": []})["tests"].append(t.name)
        return list(seen.values())

    def summary_markdown(self) -> str:
        lines = [f"**{self.assignment}**: {self.score:g} / {self.max_score:g} points"]
        lines += [f"- {m}" for m in self.messages]
        diags = self.diagnoses()
        if diags:
            lines.append("\nKnown mistakes your code seems to make:")
            lines += [f"- **{d['title']}** (in {len(d['tests'])} test(s)): {d['hint']}" for d in diags]
        return "\n".join(lines)

    def to_gradescope(self) -> dict[str, Any]:
        return {
            "score": round(self.score, 6),
            "execution_time": round(self.execution_time, 3),
            "output": self.summary_markdown(),
            "output_format": "md",
            "test_output_format": "md",
            "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": [t.to_gradescope(i + 1) for i, t in enumerate(self.tests)],
            "extra_data": {
                "assignment": self.assignment, "version": self.version, "max_score": self.max_score,
                "backend": self.backend, "sandboxed": self.sandboxed, "error": self.error,
                "messages": self.messages, "diagnoses": self.diagnoses(),
            },
        }

    @classmethod
    def from_gradescope(cls, data: dict[str, Any]) -> "GradingResult":
        extra = data.get("extra_data", {})
        result = cls(extra.get("assignment", ""), extra.get("version", ""),
                     messages=list(extra.get("messages", [])), execution_time=data.get("execution_time", 0.0),
                     backend=extra.get("backend", ""), sandboxed=extra.get("sandboxed", True),
                     error=extra.get("error"))
        for t in data.get("tests", []):
            te = t.get("extra_data", {})
            result.tests.append(TestResult(
                nodeid=te.get("nodeid", t["name"]), name=t["name"], max_score=t["max_score"], score=t["score"],
                status=te.get("outcome", t.get("status", "failed")), feedback=t.get("output", ""),
                visibility=t.get("visibility", "visible"), tags=t.get("tags", []), seed=te.get("seed"),
                duration=te.get("duration", 0.0), diagnosis=te.get("diagnosis", []),
                figures=te.get("figures", [])))
        total = sum(t.score for t in result.tests)
        if abs(total - data.get("score", total)) > 1e-9:
            result.score_override = data.get("score")
        return result


def _fence(text: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}text\n{text.rstrip()}\n{fence}"

