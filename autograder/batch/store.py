"""The batch's results database: every finished result, written at once.

SQLite in WAL mode, one row per student, keyed by the submission's content
hash and the assignment's version. A batch killed at any point loses at
most the submissions still being graded; running it again grades only
what is missing or changed.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from autograder.scoring.results import GradingResult

SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    student TEXT PRIMARY KEY,
    digest TEXT NOT NULL,
    version TEXT NOT NULL,
    name TEXT, email TEXT, source TEXT,
    submitted_at TEXT,
    score REAL NOT NULL, max_score REAL NOT NULL,
    seconds REAL NOT NULL,
    result_json TEXT NOT NULL,
    graded_at TEXT DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
)
"""


@dataclass
class StoredResult:
    student: str
    digest: str
    version: str
    name: str
    email: str
    source: str
    submitted_at: str | None
    seconds: float
    result: GradingResult


class ResultStore:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, isolation_level=None)  # autocommit: each result is durable at once
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(SCHEMA)

    def is_current(self, student: str, digest: str, version: str) -> bool:
        row = self._db.execute("SELECT digest, version FROM results WHERE student = ?", (student,)).fetchone()
        return row is not None and tuple(row) == (digest, version)

    def put(self, item: StoredResult) -> None:
        r = item.result
        self._db.execute(
            "INSERT OR REPLACE INTO results (student, digest, version, name, email, source, submitted_at, score,"
            " max_score, seconds, result_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (item.student, item.digest, item.version, item.name, item.email, item.source, item.submitted_at,
             r.score, r.max_score, item.seconds, json.dumps(r.to_gradescope())))

    def all(self) -> list[StoredResult]:
        rows = self._db.execute(
            "SELECT student, digest, version, name, email, source, submitted_at, seconds, result_json"
            " FROM results ORDER BY student").fetchall()
        return [StoredResult(*row[:8], GradingResult.from_gradescope(json.loads(row[8]))) for row in rows]

    def close(self) -> None:
        self._db.close()
