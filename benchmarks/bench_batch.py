"""Batch grading against the ideal: N submissions, J judges, compared with N x (in-process suite time) / J.

    python benchmarks/bench_batch.py [ASSIGNMENT] [--count 200] [--jobs 2 1]

The class is the reference and every mutant in turn (composed as the
grader composes them), so the mix has real failures to diagnose. The ideal
is what plain in-process pytest would need if the J cores were used
perfectly: count x (one warm in-process run of the hidden suite) / J.
Each figure is measured in this one run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).parent))


def in_process_seconds(assignment, course: Path, repeat: int = 5) -> float:
    """Warm per-run time: the suite run several times in one process, first run discarded."""
    import contextlib
    import io

    import pytest
    from in_process import InProcess

    from autograder.judge.run import pytest_args

    times = []
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            code = pytest.main(pytest_args(assignment, "hidden"), plugins=[InProcess(assignment.name, str(course))])
        if code != 0:
            raise SystemExit(f"the in-process baseline did not pass (pytest exit {code}): no fair comparison")
        times.append(time.perf_counter() - t0)
    return statistics.median(times[1:])


def make_class(assignment, folder: Path, count: int) -> None:
    from autograder.judge.trusted_code import mutant_source

    sources = [assignment.reference.read_text()] + [mutant_source(assignment.reference, m.path)
                                                     for m in assignment.mutants()]
    for i in range(count):
        (folder / f"student{i:03d}.py").write_text(sources[i % len(sources)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="?", default="logistic_gradient")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--jobs", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--course", type=Path, default=ROOT)
    parser.add_argument("--backend", default="zygote", help="zygote (batch's default) or local")
    args = parser.parse_args()

    from autograder.assignments import get_assignment

    a = get_assignment(args.assignment, args.course)
    per_run = in_process_seconds(a, args.course)
    print(f"assignment {a.name}: {args.count} submissions (reference and {len(a.mutants())} mutants in turn)")
    print(f"in-process pytest of the hidden suite, warm: {per_run:.3f} s per submission")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "class"
        folder.mkdir()
        make_class(a, folder, args.count)
        for jobs in args.jobs:
            out = Path(tmp) / f"out{jobs}"
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "autograder", "--course", str(args.course), "batch", a.name,
                            str(folder), "--out", str(out), "--jobs", str(jobs), "--backend", args.backend],
                           check=True, capture_output=True)
            took = time.perf_counter() - t0
            ideal = args.count * per_run / jobs
            print(f"--backend {args.backend} --jobs {jobs}: {took:.1f} s ({args.count / took:.2f} submissions/s); ideal {ideal:.1f} s; "
                  f"ratio {took / ideal:.2f}x")


if __name__ == "__main__":
    main()
