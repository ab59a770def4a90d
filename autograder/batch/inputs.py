"""Finds one submission per student in what a TA downloaded.

Accepted: a folder with one file or folder per student, a zip of such a
folder, or a Gradescope "export submissions" archive (``submission_<id>/``
folders plus ``submission_metadata.yml`` naming the submitters and the
submission time). When a student appears more than once, a stated rule
picks one: the latest by default, or the earliest.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath

from autograder.submissions import SubmissionError

RULES = ("latest", "earliest")
SKIPPED = {"__MACOSX", ".DS_Store", "submission_metadata.yml", "submission_metadata.json"}


@dataclass
class StudentSubmission:
    student: str
    path: Path
    submitted_at: datetime | None = None
    name: str = ""
    email: str = ""

    def digest(self) -> str:
        """A content hash: a changed submission is regraded, an unchanged one is not."""
        h = hashlib.sha256()
        files = [self.path] if self.path.is_file() else sorted(p for p in self.path.rglob("*") if p.is_file())
        for f in files:
            h.update(str(f.relative_to(self.path) if f != self.path else f.name).encode() + b"\0")
            h.update(f.read_bytes())
        return h.hexdigest()


@dataclass
class Discovery:
    submissions: list[StudentSubmission]
    notes: list[str]
    workdir: Path | None = None  # where an archive was unpacked; removed by cleanup()

    def cleanup(self) -> None:
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)


def discover(source: Path, rule: str = "latest") -> Discovery:
    if rule not in RULES:
        raise ValueError(f"duplicate rule must be one of {RULES}")
    source = Path(source)
    workdir = None
    if source.is_file() and source.suffix == ".zip":
        workdir = Path(tempfile.mkdtemp(prefix="autograder-batch-"))
        _safe_extract(source, workdir)
        source = _single_top_folder(workdir)
    if not source.is_dir():
        raise SubmissionError(f"{source}: expected a folder or a .zip of submissions")
    metadata = source / "submission_metadata.yml"
    found = _from_gradescope(source, metadata) if metadata.exists() else _from_folder(source)
    chosen, notes = _resolve_duplicates(found, rule)
    return Discovery(sorted(chosen, key=lambda s: s.student), notes, workdir)


def _safe_extract(archive: Path, target: Path) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                name = PurePosixPath(info.filename.replace("\\", "/"))
                if name.is_absolute() or ".." in name.parts:
                    raise SubmissionError(f"{archive.name}: entry {info.filename!r} points outside the archive")
                if (info.external_attr >> 16) & 0o170000 == 0o120000:
                    raise SubmissionError(f"{archive.name}: entry {info.filename!r} is a link")
            zf.extractall(target)
    except zipfile.BadZipFile:
        raise SubmissionError(f"{archive.name} is not a valid zip archive") from None


def _single_top_folder(folder: Path) -> Path:
    entries = [p for p in folder.iterdir() if p.name not in SKIPPED]
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else folder


def _from_folder(folder: Path) -> list[StudentSubmission]:
    out = []
    for entry in sorted(folder.iterdir()):
        if entry.name in SKIPPED or entry.name.startswith("."):
            continue
        student = entry.stem if entry.is_file() else entry.name
        mtime = datetime.fromtimestamp(entry.stat().st_mtime, tz=timezone.utc)
        out.append(StudentSubmission(student, entry, mtime))
    return out


def _from_gradescope(folder: Path, metadata: Path) -> list[StudentSubmission]:
    import yaml

    data = yaml.safe_load(metadata.read_text()) or {}
    out = []
    for key, record in data.items():
        path = folder / str(key)
        if not path.exists() or not isinstance(record, dict):
            continue
        when = record.get(":created_at")
        submitted = _parse_time(when)
        for person in record.get(":submitters") or []:  # a group submission counts for every member
            sid = str(person.get(":sid") or person.get(":email") or key)
            out.append(StudentSubmission(sid, path, submitted, str(person.get(":name", "")),
                                         str(person.get(":email", ""))))
    return out


def _parse_time(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace(" ", "T", 1))
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)
    return None


def _resolve_duplicates(found: list[StudentSubmission], rule: str) -> tuple[list[StudentSubmission], list[str]]:
    by_student: dict[str, list[StudentSubmission]] = {}
    for s in found:
        by_student.setdefault(s.student, []).append(s)
    chosen, notes = [], []
    oldest = datetime.min.replace(tzinfo=timezone.utc)
    for student, attempts in by_student.items():
        attempts.sort(key=lambda s: (s.submitted_at or oldest, s.path.name))
        pick = attempts[-1] if rule == "latest" else attempts[0]
        chosen.append(pick)
        if len(attempts) > 1:
            notes.append(f"{student}: {len(attempts)} submissions, graded the {rule} ({pick.path.name})")
    return chosen, notes
