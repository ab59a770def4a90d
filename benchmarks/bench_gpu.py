"""GPU proof: grade gpu_training's reference and every mutant in the sandbox on a CUDA host.

    python benchmarks/bench_gpu.py [--concurrent 4] [--backend local]

On a host without bubblewrap (a GPU host) the `local` backend falls back
to unshare + setpriv; memory is bounded by a cgroup, not RLIMIT_AS (which
breaks CUDA). Prints, measured in this one run on this device:
- the reference's score, grading time, and the figures its training test records
  (training seconds, samples/s and the ratio to the judge-side reference run);
- each mutant's score and diagnosis;
- N copies of the reference graded at once on one GPU against the same N one after another.
Without CUDA it says so and grades on the CPU (GPU-only tests are reported as skipped).
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _grade(args: tuple[str, str, str]) -> tuple[float, float, float, list]:
    from autograder.assignments import get_assignment
    from autograder.judge.run import grade

    name, path, backend = args
    a = get_assignment(name, ROOT)
    t0 = time.perf_counter()
    r = grade(a, Path(path), backend)
    figures = [(t.name, t.feedback) for t in r.tests if "throughput" in t.name or "train" in t.name]
    return r.score, r.max_score, time.perf_counter() - t0, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignment", default="gpu_training")
    parser.add_argument("--concurrent", type=int, default=4)
    parser.add_argument("--backend", default="local")
    args = parser.parse_args()

    import torch

    from autograder.assignments import get_assignment
    from autograder.judge.trusted_code import mutant_source
    from autograder.sandbox import get_backend

    device = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no CUDA device (CPU run)"
    a = get_assignment(args.assignment, ROOT)
    print(f"device: {device}; backend: {get_backend(args.backend).name}")
    score, max_score, seconds, figures = _grade((a.name, str(a.reference), args.backend))
    print(f"reference: {score:g}/{max_score:g} in {seconds:.1f} s")
    for name, text in figures:
        print(f"  {name}: {text or 'passed'}")
    with tempfile.TemporaryDirectory() as tmp:
        for m in a.mutants():
            path = Path(tmp) / m.name / f"{a.module}.py"
            path.parent.mkdir()
            path.write_text(mutant_source(a.reference, m.path))
            s, ms, sec, _ = _grade((a.name, str(path), args.backend))
            print(f"mutant {m.name}: {s:g}/{ms:g} ({sec:.1f} s)")
    jobs = [(a.name, str(a.reference), args.backend)] * args.concurrent
    t0 = time.perf_counter()
    for job in jobs:
        _grade(job)
    sequential = time.perf_counter() - t0
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.concurrent, mp_context=multiprocessing.get_context("spawn")) as pool:
        list(pool.map(_grade, jobs))
    concurrent = time.perf_counter() - t0
    print(f"{args.concurrent} reference gradings: one after another {sequential:.1f} s, "
          f"at once {concurrent:.1f} s, ratio {sequential / concurrent:.2f}x")


if __name__ == "__main__":
    main()
