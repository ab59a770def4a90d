"""gradient_descent: iterates against the reference, x0 untouched, and the two rates of the lecture.

The rate tests are properties any correct implementation satisfies with
step 1/L: Theorem 6.1's O(1/k) bound on a convex but singular quadratic,
the per-step decrease of the descent lemma, and the linear rate (1 - mu/L)^k
on a strongly convex, ill-conditioned quadratic.
"""

import numpy as np
import pytest

from autograder.testing import assert_array, assert_close, check


@pytest.mark.points(1)
@pytest.mark.hint("Row 0 is x0 and row k+1 is x_k - step * grad(x_k); the result has iters + 1 rows.")
@pytest.mark.parametrize("d,step,iters", [(3, 0.1, 20), (1, 0.3, 6), (4, 0.05, 1), (2, 0.2, 0)])
def test_gradient_descent_values(submission, reference, quadratic, rng, d, step, iters):
    problem = quadratic(rng.uniform(0.5, 4.0, size=d))
    x0 = rng.normal(size=d)
    got = submission.gradient_descent(problem.grad, x0.copy(), step, iters)
    assert_array(got, f"gradient_descent(grad, x0, step={step}, iters={iters})", shape=(iters + 1, d))
    assert_close(got, reference.gradient_descent(problem.grad, x0, step, iters),
                 f"gradient_descent(grad, x0, step={step}, iters={iters})", rtol=1e-10, atol=1e-12)


@pytest.mark.points(1)
@pytest.mark.hint("Work on a copy of x0 (np.array(x0, dtype=float)): an in-place update such as "
                  "x -= step * g changes the caller's array.")
def test_gradient_descent_keeps_x0(submission, quadratic, rng):
    problem = quadratic([1.0, 2.0, 3.0])
    x0 = rng.normal(size=3)
    before = x0.copy()
    submission.gradient_descent(problem.grad, x0, 0.1, 5)
    check(np.array_equal(x0, before), "gradient_descent changed the caller's x0 in place")


def _iterates(submission, problem, x0, iters, what):
    path = submission.gradient_descent(problem.grad, x0.copy(), 1.0 / problem.L, iters)
    assert_array(path, what, shape=(iters + 1, x0.size))
    check(np.all(np.isfinite(path)), f"{what} contains inf or nan")
    return path


@pytest.mark.points(2)
@pytest.mark.hint("With step 1/L, Theorem 6.1 gives f(x_k) - f* <= L ||x0 - x*||^2 / (2k) for every "
                  "k >= 1 on a convex L-smooth f, and each step decreases f by at least "
                  "||grad f(x_k)||^2 / (2L).")
def test_gradient_descent_sublinear_rate(submission, quadratic, rng):
    problem = quadratic([0.0, 1e-3, 1e-2, 0.1, 1.0, 4.0], b_scale=3.0)  # convex, not strongly convex
    x0 = 5.0 * rng.normal(size=6)
    iters = 200
    path = _iterates(submission, problem, x0, iters, "gradient_descent on a convex quadratic")
    nearest = x0 - problem.pinv @ (problem.A @ x0 + problem.b)  # the minimiser closest to x0
    dist_sq = float(np.sum((x0 - nearest) ** 2))
    gaps = np.array([problem.f(x) for x in path]) - problem.fstar
    k = np.arange(1, iters + 1)
    bound = problem.L * dist_sq / (2.0 * k)
    slack = 1e-9 * (abs(problem.fstar) + 1.0)
    bad = np.nonzero(gaps[1:] > bound + slack)[0]
    check(bad.size == 0, f"f(x_k) - f* exceeds the O(1/k) bound of Theorem 6.1 at {bad.size} of {iters} "
                         f"steps (first at k = {int(bad[0]) + 1 if bad.size else 0})")
    decrease = gaps[:-1] - gaps[1:]
    needed = np.array([np.sum(problem.grad(x) ** 2) for x in path[:-1]]) / (2.0 * problem.L)
    bad = np.nonzero(decrease < needed - slack)[0]
    check(bad.size == 0, f"a step decreased f by less than ||grad f(x_k)||^2 / (2L) at {bad.size} of {iters} "
                         f"steps (first at k = {int(bad[0]) if bad.size else 0})")


@pytest.mark.points(2)
@pytest.mark.hint("On a mu-strongly convex, L-smooth f, step 1/L gives the linear rate "
                  "f(x_k) - f* <= (1 - mu/L)^k (f(x0) - f*).")
def test_gradient_descent_linear_rate(submission, quadratic, rng):
    problem = quadratic(np.logspace(-2, 0, 5) * 8.0)  # condition number 100
    x0 = 5.0 * rng.normal(size=5)
    iters = 200
    path = _iterates(submission, problem, x0, iters, "gradient_descent on a strongly convex quadratic")
    gaps = np.array([problem.f(x) for x in path]) - problem.fstar
    bound = (1.0 - problem.mu / problem.L) ** np.arange(iters + 1) * gaps[0]
    bad = np.nonzero(gaps > bound * (1 + 1e-9) + 1e-12)[0]
    check(bad.size == 0, f"f(x_k) - f* exceeds (1 - mu/L)^k (f(x0) - f*) at {bad.size} of {iters + 1} "
                         f"iterates (first at k = {int(bad[0]) if bad.size else 0})")
