"""Grades many submissions with N judge processes, storing each result at once.

Judges are forked from this process after the grader, pytest, numpy and
the assignment's reference are imported, so that start-up is paid once per
judge rather than once per student. Each judge grades one submission at a
time; the sandboxed worker it starts is the only place student code runs.
A judge that dies (it should not: student faults are results, not
crashes) is replaced, and the submission it held is retried once and then
scored zero with the reason.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import signal
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from autograder.assignments import Assignment
from autograder.batch.inputs import StudentSubmission
from autograder.batch.store import ResultStore, StoredResult
from autograder.scoring.results import GradingResult

_JUDGE: dict = {}


def _die_with_parent() -> None:
    """A batch killed with -9 must not leave judges grading for nobody."""
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _judge_init(assignment: Assignment, backend: str) -> None:
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _JUDGE.update(assignment=assignment, backend=backend)


def _judge_grade(path: str) -> tuple[dict, float]:
    from autograder.judge.run import grade

    started = time.monotonic()
    result = grade(_JUDGE["assignment"], Path(path), _JUDGE["backend"])
    return result.to_gradescope(), time.monotonic() - started


def _preload(assignment: Assignment) -> None:
    """Imports the judges would otherwise each repeat per submission."""
    import numpy  # noqa: F401
    import pytest  # noqa: F401

    import autograder.judge.run  # noqa: F401
    from autograder.judge.trusted_code import load_mutant, load_reference

    load_reference(assignment.reference)
    for m in assignment.mutants():
        load_mutant(assignment.reference, m.path)


@dataclass
class BatchStats:
    graded: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0


def crashed_result(assignment: Assignment, reason: str) -> GradingResult:
    return GradingResult(assignment.name, assignment.version, error=reason,
                         messages=[f"This submission could not be graded: {reason}"])


def run_batch(assignment: Assignment, items: list[StudentSubmission], store: ResultStore, jobs: int,
              backend: str, on_result: Callable[[StoredResult], None],
              on_skip: Callable[[StudentSubmission], None] = lambda s: None) -> BatchStats:
    stats = BatchStats()
    started = time.monotonic()
    pending: list[tuple[StudentSubmission, str]] = []
    for item in items:
        digest = item.digest()
        if store.is_current(item.student, digest, assignment.version):
            stats.skipped += 1
            on_skip(item)
        else:
            pending.append((item, digest))
    if not pending:
        return stats
    _preload(assignment)
    attempts: dict[str, int] = {}
    context = multiprocessing.get_context("fork")
    while pending:
        pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_judge_init,
                                   initargs=(assignment, backend))
        futures: dict[Future, tuple[StudentSubmission, str]] = {
            pool.submit(_judge_grade, str(item.path)): (item, digest) for item, digest in pending}
        pending = []
        try:
            while futures:
                done, _ = wait(futures, return_when=FIRST_COMPLETED)
                for future in done:
                    item, digest = futures.pop(future)
                    try:
                        data, seconds = future.result()
                        result = GradingResult.from_gradescope(data)
                    except BrokenProcessPool:
                        attempts[item.student] = attempts.get(item.student, 0) + 1
                        if attempts[item.student] < 3:  # a broken pool fails every queued item too
                            pending.append((item, digest))
                            continue
                        result, seconds = crashed_result(assignment, "the grader process died three times while it was queued or running"), 0.0
                        stats.failed += 1
                    except Exception as exc:  # noqa: BLE001 - one submission's grader fault must not stop the class
                        result, seconds = crashed_result(assignment, f"{type(exc).__name__}: {exc}"), 0.0
                        stats.failed += 1
                    stored = StoredResult(item.student, digest, assignment.version, item.name, item.email,
                                          str(item.path), item.submitted_at.isoformat() if item.submitted_at
                                          else None, seconds, result)
                    store.put(stored)
                    stats.graded += 1
                    on_result(stored)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    stats.seconds = time.monotonic() - started
    return stats
