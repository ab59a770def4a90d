"""Worker start-up: the ``local`` backend (bwrap + Python + imports per worker) against ``zygote``.

    python benchmarks/bench_zygote.py [ASSIGNMENT] [--repeat N] [--grades M]

Prints, measured in this one run on this machine (root and bubblewrap needed):
- worker start + first call (start the worker, import the reference as the submission, one call),
  local vs zygote, median of N, runs interleaved so both see the same load;
- a full ``grade()`` of the reference (hidden suite, diagnosis on) in this process, local vs zygote,
  median of M after one unmeasured warm-up each;
- the zygote's own one-off start-up (bwrap, Python, the preloads), paid once per judge process;
- with ``--batch K``: ``run_batch`` over K copies of the reference with ``--jobs`` judges, local vs
  zygote (each judge starts its own template), wall time and submissions per second.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def first_call(backend, assignment, folder: Path) -> float:
    from autograder.judge.connection import WorkerConnection
    from autograder.judge.proxy import SubmissionProxy

    t0 = time.perf_counter()
    conn = WorkerConnection(backend, folder, assignment.module, assignment.limits, list(assignment.forbidden),
                            assignment.secrets())
    try:
        SubmissionProxy(conn).sigmoid(np.zeros(3))
        return time.perf_counter() - t0
    finally:
        conn.close()  # not timed: the judge pays it after the run either way


def spread(values: list[float]) -> str:
    return f"median {statistics.median(values):.3f} s (min {min(values):.3f}, max {max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignment", nargs="?", default="logistic_gradient")
    parser.add_argument("--repeat", type=int, default=15, help="worker starts per backend")
    parser.add_argument("--grades", type=int, default=5, help="full grade() runs per backend")
    parser.add_argument("--batch", type=int, default=0, help="also grade K copies of the reference in a batch")
    parser.add_argument("--jobs", type=int, default=2, help="judges for --batch")
    parser.add_argument("--course", type=Path, default=ROOT, help="folder with assignments/ and reference/")
    args = parser.parse_args()

    from autograder.assignments import get_assignment
    from autograder.judge.run import grade
    from autograder.sandbox import get_backend
    from autograder.sandbox.zygote import ZygoteBackend

    a = get_assignment(args.assignment, args.course)
    local = get_backend("local")
    zygote = ZygoteBackend.for_assignment(a)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "submission"
        folder.mkdir(mode=0o755)
        shutil.copy(a.reference, folder / f"{a.module}.py")
        (folder / f"{a.module}.py").chmod(0o644)

        t0 = time.perf_counter()
        template = zygote.template(a.limits, a.secrets())
        template_start = time.perf_counter() - t0
        first_call(local, a, folder)  # warm the page cache for both
        first_call(zygote, a, folder)
        starts: dict[str, list[float]] = {"local": [], "zygote": []}
        for _ in range(args.repeat):
            starts["local"].append(first_call(local, a, folder))
            starts["zygote"].append(first_call(zygote, a, folder))

        grades: dict[str, list[float]] = {"local": [], "zygote": []}
        scores = set()
        for name, backend in (("local", local), ("zygote", zygote)):
            grade(a, a.reference, backend)  # warm-up: pytest collection caches, trusted-code imports
        for _ in range(args.grades):
            for name, backend in (("local", local), ("zygote", zygote)):
                t0 = time.perf_counter()
                result = grade(a, a.reference, backend)
                grades[name].append(time.perf_counter() - t0)
                scores.add((name, result.score, result.max_score))
        batch = {name: run_batch_copies(a, backend, folder, args.batch, args.jobs, Path(tmp) / name)
                 for name, backend in (("local", "local"), ("zygote", zygote))} if args.batch else {}
    zygote.close()

    print(f"assignment: {a.name}; zygote preloads {', '.join(template.ready['loaded'])}"
          f" (failed: {template.ready['failed'] or 'none'})")
    print(f"zygote start-up, once per judge process: {template_start:.2f} s")
    for name in ("local", "zygote"):
        print(f"worker start + first call, {name:6s}: {spread(starts[name])}  [n={args.repeat}]")
    ratio = statistics.median(starts["local"]) / statistics.median(starts["zygote"])
    print(f"  -> zygote is {ratio:.1f}x faster to a first result")
    for name in ("local", "zygote"):
        print(f"full grade() of the reference, {name:6s}: {spread(grades[name])}  [n={args.grades}]")
    saved = statistics.median(grades["local"]) - statistics.median(grades["zygote"])
    print(f"  -> {saved:.2f} s saved per submission; scores {sorted(scores)}")
    for name, (seconds, graded) in batch.items():
        print(f"batch of {args.batch} with {args.jobs} judges, {name:6s}: {seconds:.2f} s, "
              f"{graded / seconds:.2f} submissions/s")


def run_batch_copies(assignment, backend, folder: Path, count: int, jobs: int, work: Path) -> tuple[float, int]:
    from autograder.batch.inputs import discover
    from autograder.batch.runner import run_batch
    from autograder.batch.store import ResultStore

    class_folder = work / "class"
    class_folder.mkdir(parents=True)
    for i in range(count):
        shutil.copy(folder / f"{assignment.module}.py", class_folder / f"student{i:03d}.py")
    store = ResultStore(work / "db.sqlite")
    try:
        t0 = time.perf_counter()
        # a ZygoteBackend object travels to the forked judges as is; each starts its own template
        stats = run_batch(assignment, discover(class_folder).submissions, store, jobs, backend, lambda r: None)
        seconds = time.perf_counter() - t0
        assert all(r.result.score == r.result.max_score for r in store.all()), "a copy of the reference lost points"
    finally:
        store.close()
    return seconds, stats.graded


if __name__ == "__main__":
    main()
