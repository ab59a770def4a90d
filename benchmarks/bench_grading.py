"""Grading cost: the sandboxed grader against plain in-process pytest, and the boundary's round trips.

    python benchmarks/bench_grading.py [ASSIGNMENT] [--repeat N]

Prints, measured in this one run on this machine:
- ``autograder grade`` of the reference, cold (a fresh CLI process, local backend), median of N;
- the same hidden suite run by plain pytest with the reference imported in-process (the unsafe
  design the grader replaces), in a fresh process too, median of N; and their ratio;
- round trips per second for a call passing a 1000x10 float64 array through the local sandbox.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]



def time_command(argv: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def round_trips(seconds: float = 3.0) -> float:
    from autograder.judge.connection import WorkerConnection
    from autograder.judge.proxy import SubmissionProxy
    from autograder.sandbox import Limits, get_backend

    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp).chmod(0o755)
        (Path(tmp) / "echo.py").write_text("def echo(x):\n    return x\n")
        (Path(tmp) / "echo.py").chmod(0o644)
        conn = WorkerConnection(get_backend("local"), Path(tmp), "echo", Limits(), [], [])
        proxy = SubmissionProxy(conn)
        x = np.random.default_rng(0).normal(size=(1000, 10))
        proxy.echo(x)  # start the worker outside the timing
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            proxy.echo(x)
            n += 1
        rate = n / (time.perf_counter() - t0)
        conn.close()
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="?", default="logistic_gradient")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--course", type=Path, default=ROOT, help="folder with assignments/ and reference/")
    args = parser.parse_args()

    from autograder.assignments import get_assignment
    from autograder.judge.run import pytest_args

    a = get_assignment(args.assignment, args.course)
    graded = time_command([sys.executable, "-m", "autograder", "--course", str(args.course), "grade", a.name,
                           str(a.reference),
                           "--backend", "local", "--format", "json"], args.repeat)
    # the grader's own pytest arguments, so both sides collect and run the same way
    runner = (f"import sys, pytest; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
              "from in_process import InProcess; "
              f"sys.exit(pytest.main({pytest_args(a, 'hidden')!r}, plugins=[InProcess({a.name!r}, {str(args.course)!r})]))")
    plain = time_command([sys.executable, "-c", runner], args.repeat)
    rate = round_trips()
    print(f"assignment: {a.name} (median of {args.repeat} cold runs each)")
    print(f"autograder grade (local sandbox, fresh process): {graded:.2f} s")
    print(f"plain in-process pytest of the same hidden suite: {plain:.2f} s")
    print(f"ratio grade / in-process: {graded / plain:.2f}x")
    print(f"boundary: {rate:.0f} round trips/s passing a 1000x10 float64 array "
          f"({1e3 / rate:.2f} ms per call)")


if __name__ == "__main__":
    main()
