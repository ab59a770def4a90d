"""newton: iterates against the reference, the one-step solution of a quadratic, and quadratic
convergence on the mean logistic loss of assignment 1 (written judge-side in conftest.py)."""

import numpy as np
import pytest

from autograder.testing import assert_array, assert_close, check


@pytest.mark.points(1)
@pytest.mark.hint("Each step is x <- x - H(x)^-1 grad(x) with the Hessian evaluated at the CURRENT x; "
                  "use np.linalg.solve(H, g). Row 0 is x0 and there are iters + 1 rows.")
@pytest.mark.parametrize("n,d,iters", [(60, 3, 6), (40, 5, 4), (30, 2, 0)])
def test_newton_logistic_values(submission, reference, logistic, n, d, iters):
    problem = logistic(n, d, signal=2.0)
    x0 = np.zeros(d)
    got = submission.newton(problem.grad, problem.hess, x0.copy(), iters)
    assert_array(got, f"newton(grad, hess, x0, iters={iters}) on the logistic loss", shape=(iters + 1, d))
    assert_close(got, reference.newton(problem.grad, problem.hess, x0, iters),
                 f"newton(grad, hess, x0, iters={iters}) on the logistic loss", rtol=1e-8, atol=1e-12)


@pytest.mark.points(1)
@pytest.mark.hint("On f = 1/2 x^T A x + b^T x the Newton step solves A x = -b exactly: x_1 is the "
                  "minimiser whatever x0 is, and x_2 stays there.")
def test_newton_quadratic_one_step(submission, quadratic, rng):
    problem = quadratic(np.logspace(-2, 1, 4))
    path = submission.newton(problem.grad, problem.hess, 3.0 * rng.normal(size=4), 2)
    assert_array(path, "newton(grad, hess, x0, iters=2) on a quadratic", shape=(3, 4))
    assert_close(path[1], problem.xstar, "x_1 of newton on a quadratic", rtol=1e-8, atol=1e-10)
    assert_close(path[2], problem.xstar, "x_2 of newton on a quadratic", rtol=1e-8, atol=1e-10)


@pytest.mark.points(2)
@pytest.mark.hint("Near the minimiser of a strongly convex f with Lipschitz Hessian, Newton's error "
                  "is squared at each step (||x_{k+1} - x*|| <= C ||x_k - x*||^2): the number of "
                  "correct digits doubles. A Hessian that is not re-evaluated at each x loses this.")
def test_newton_quadratic_convergence(submission, reference, logistic):
    problem = logistic(60, 3, signal=2.0)
    xstar = reference.newton(problem.grad, problem.hess, np.zeros(3), 40)[-1]
    path = submission.newton(problem.grad, problem.hess, np.zeros(3), 10)
    assert_array(path, "newton(grad, hess, x0, iters=10) on the logistic loss", shape=(11, 3))
    check(np.all(np.isfinite(path)), "newton on the logistic loss produced inf or nan")
    err = np.linalg.norm(path - xstar, axis=1)
    for k in range(10):
        if 1e-6 < err[k] < 0.1:
            check(err[k + 1] <= 5.0 * err[k] ** 2,
                  f"newton on the logistic loss: the error at step {k + 1} is not of the order of the "
                  f"squared error at step {k} (ratio ||e_k+1|| / ||e_k||^2 = {err[k + 1] / err[k] ** 2:.3g})")
    check(np.linalg.norm(problem.grad(path[-1])) < 1e-10,
          "newton on the logistic loss: after 10 steps the gradient is not yet below 1e-10")


@pytest.mark.points(1)
@pytest.mark.hint("Work on a copy of x0: x -= ... on the caller's array changes it.")
def test_newton_keeps_x0(submission, quadratic, rng):
    problem = quadratic([1.0, 2.0])
    x0 = rng.normal(size=2)
    before = x0.copy()
    submission.newton(problem.grad, problem.hess, x0, 2)
    check(np.array_equal(x0, before), "newton changed the caller's x0 in place")
