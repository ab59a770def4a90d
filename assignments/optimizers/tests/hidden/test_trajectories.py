"""Every optimizer run for a few dozen steps down a long, narrow, curved valley.

The gradient is computed here, in the judge, from the point the student's
optimizer returned, and passed to the next call. The student's path is
drawn next to the reference's in the HTML feedback and the final points are
compared. The exact per-step checks live in test_optimizers.py; this test
shows what a mistake does to a whole run.
"""

import copy

import numpy as np
import pytest

from autograder.judge.errors import SubmissionFault, TimeBudgetExceeded
from autograder.testing import check

STEPS = 50
START = (-1.5, 2.0)

# Learning rates chosen so that every method makes visible progress in STEPS steps without diverging.
RUNS = {
    "sgd": {"lr": 0.01},
    "sgd_momentum": {"lr": 0.004, "momentum": 0.9},
    "nesterov": {"lr": 0.004, "momentum": 0.9},
    "adagrad": {"lr": 0.3, "eps": 1e-8},
    "rmsprop": {"lr": 0.03, "decay_rate": 0.9, "eps": 1e-8},
    "adam": {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
    "adamw": {"lr": 0.1, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8, "weight_decay": 0.2},
}


def valley(x, y):
    """A Rosenbrock-type valley: f = (1 - x)^2 + 10 (y - x^2)^2, minimum 0 at (1, 1)."""
    return (1.0 - x) ** 2 + 10.0 * (y - x * x) ** 2


def valley_grad(p):
    x, y = float(p[0]), float(p[1])
    return np.array([-2.0 * (1.0 - x) - 40.0 * x * (y - x * x), 20.0 * (y - x * x)])


def reference_path(reference, name):
    w, config = np.array(START, dtype=np.float64), copy.deepcopy(RUNS[name])
    path = [w]
    for _ in range(STEPS):
        w, config = getattr(reference, name)(w, valley_grad(w), config)
        path.append(w)
    return np.array(path)


def student_path(submission, name):
    """(points visited, None) or (points visited so far, what went wrong)."""
    w, config = np.array(START, dtype=np.float64), copy.deepcopy(RUNS[name])
    path = [w.copy()]
    for step in range(1, STEPS + 1):
        try:
            out = getattr(submission, name)(w.copy(), valley_grad(w), config)
        except TimeBudgetExceeded:
            raise
        except SubmissionFault as exc:
            return np.array(path), f"step {step} raised an error ({exc.feedback().splitlines()[0][:150]})"
        if not (isinstance(out, tuple) and len(out) == 2 and isinstance(out[1], dict)):
            return np.array(path), f"step {step} did not return a tuple (next_w, config)"
        try:
            w = np.asarray(out[0], dtype=np.float64).reshape(2)
        except (TypeError, ValueError):
            return np.array(path), f"step {step} returned next_w that is not an array of shape (2,)"
        config = out[1]
        path.append(w.copy())
        if not np.all(np.isfinite(w)):
            return np.array(path), f"step {step} produced inf or nan"
    return np.array(path), None


def draw(results):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 4, figsize=(12, 5.8))
    xs, ys = np.linspace(-2.0, 1.6, 121), np.linspace(-0.8, 2.6, 121)
    X, Y = np.meshgrid(xs, ys)
    levels = np.logspace(-1.5, 2.3, 14)
    for ax, (name, (ref, mine, problem)) in zip(axes.flat, results.items()):
        ax.contour(X, Y, valley(X, Y), levels=levels, colors="0.75", linewidths=0.6)
        ax.plot(*ref.T, "-", color="tab:blue", lw=3.5, alpha=0.35, label="reference")
        shown = np.clip(mine[np.all(np.isfinite(mine), axis=1)], -10, 10)
        if len(shown):
            ax.plot(*shown.T, "-", color="tab:orange", lw=1.2, marker=".", ms=3, label="yours")
        ax.plot(*START, "ko", ms=4)
        ax.plot(1.0, 1.0, "k*", ms=8)
        ax.set_xlim(xs[0], xs[-1])
        ax.set_ylim(ys[0], ys[-1])
        ax.set_title(name + ("" if problem is None else "  (differs)"), fontsize=10,
                     color="black" if problem is None else "tab:red")
        ax.set_xticks([])
        ax.set_yticks([])
    ax = axes.flat[-1]
    for name, (ref, mine, _) in results.items():
        line, = ax.semilogy(valley(*ref.T), "--", lw=1)
        finite = mine[np.all(np.isfinite(mine), axis=1)]
        ax.semilogy(valley(*finite.T) + 1e-12, "-", lw=1, color=line.get_color(), label=name)
    ax.set_title("loss per step (yours solid, reference dashed)", fontsize=9)
    ax.set_xlabel("step")
    ax.legend(fontsize=7, loc="lower left")
    axes.flat[0].legend(fontsize=8, loc="lower right")
    fig.suptitle(f"{STEPS} steps from {START} on f = (1-x)^2 + 10 (y-x^2)^2 (minimum at the star)")
    fig.subplots_adjust(left=0.02, right=0.99, bottom=0.07, top=0.9, wspace=0.08, hspace=0.16)
    return fig


@pytest.mark.points(3)
@pytest.mark.hint("Each panel of the picture in your feedback shows your optimizer's path next to the "
                  "reference's; the first optimizer whose path departs is the one to fix (the per-step "
                  "tests name the quantity).")
def test_trajectories(submission, reference, add_figure):
    results, problems = {}, []
    for name in RUNS:
        ref = reference_path(reference, name)
        mine, problem = student_path(submission, name)
        if problem is None and not np.allclose(mine[-1], ref[-1], rtol=1e-6, atol=1e-8):
            gap = float(np.linalg.norm(mine[-1] - ref[-1]))
            first = next(k for k in range(len(ref)) if not np.allclose(mine[k], ref[k], rtol=1e-6, atol=1e-8))
            problem = f"the final point is {gap:.3g} away from the reference's (the paths part at step {first})"
        results[name] = (ref, mine, problem)
        if problem is not None:
            problems.append(f"{name}: {problem}")
    add_figure("Your optimizers (orange) and the reference (wide pale blue line) on a narrow valley", draw(results))
    check(not problems, f"{len(problems)} of {len(RUNS)} optimizers end somewhere else than the reference "
          f"after {STEPS} steps: " + "; ".join(problems))
