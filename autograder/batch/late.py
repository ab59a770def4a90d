"""Late policy: due date, a penalty per started day, a cap, per-student extensions.

Read from the ``[late]`` table of assignment.toml or of a course file:

    [late]
    due = 2026-12-01T23:59:00Z
    penalty_per_day = 0.10     # fraction of the score lost per started day
    max_penalty = 0.50         # the cap
    grace_minutes = 15

Extensions: a CSV with ``student,days`` (extra days for that student).
"""

from __future__ import annotations

import csv
import math
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path


@dataclass(frozen=True)
class Lateness:
    days: int = 0
    penalty: float = 0.0  # fraction of the score removed


@dataclass
class LatePolicy:
    due: datetime | None = None
    penalty_per_day: float = 0.0
    max_penalty: float = 1.0
    grace: timedelta = timedelta(0)
    extensions: dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_table(cls, table: dict) -> "LatePolicy":
        due = table.get("due")
        if isinstance(due, str):
            due = datetime.fromisoformat(due)
        if isinstance(due, datetime) and due.tzinfo is None:
            due = due.replace(tzinfo=timezone.utc)
        return cls(due=due, penalty_per_day=float(table.get("penalty_per_day", 0.0)),
                   max_penalty=float(table.get("max_penalty", 1.0)),
                   grace=timedelta(minutes=float(table.get("grace_minutes", 0))))

    @classmethod
    def load(cls, assignment_table: dict, course_file: Path | None = None,
             extensions_file: Path | None = None) -> "LatePolicy":
        table = dict(assignment_table)
        if course_file is not None:
            table.update(tomllib.loads(course_file.read_text()).get("late", {}))
        policy = cls.from_table(table)
        if extensions_file is not None:
            with extensions_file.open(newline="") as fh:
                for row in csv.DictReader(fh):
                    policy.extensions[row["student"].strip()] = float(row["days"])
        return policy

    def assess(self, student: str, submitted_at: datetime | None) -> Lateness:
        if self.due is None or submitted_at is None:
            return Lateness()
        deadline = self.due + self.grace + timedelta(days=self.extensions.get(student, 0.0))
        late = submitted_at - deadline
        if late <= timedelta(0):
            return Lateness()
        days = math.ceil(late / timedelta(days=1))
        return Lateness(days, min(self.max_penalty, days * self.penalty_per_day))
