"""heavy_ball: iterates against the reference, x_{-1} = x0, beta = 0 is gradient descent, and
Polyak's tuned parameters accelerate on an ill-conditioned quadratic."""

import numpy as np
import pytest

from autograder.testing import assert_array, assert_close, check


@pytest.mark.points(1)
@pytest.mark.hint("x_{k+1} = x_k - step * grad(x_k) + beta * (x_k - x_{k-1}) with x_{-1} = x0; "
                  "row 0 is x0 and there are iters + 1 rows.")
@pytest.mark.parametrize("d,step,beta,iters", [(3, 0.1, 0.7, 25), (1, 0.2, 0.5, 3), (4, 0.05, 0.9, 40)])
def test_heavy_ball_values(submission, reference, quadratic, rng, d, step, beta, iters):
    problem = quadratic(rng.uniform(0.5, 5.0, size=d))
    x0 = rng.normal(size=d)
    name = f"heavy_ball(grad, x0, step={step}, beta={beta}, iters={iters})"
    got = submission.heavy_ball(problem.grad, x0.copy(), step, beta, iters)
    assert_array(got, name, shape=(iters + 1, d))
    assert_close(got, reference.heavy_ball(problem.grad, x0, step, beta, iters), name, rtol=1e-9, atol=1e-12)


@pytest.mark.points(1)
@pytest.mark.hint("With x_{-1} = x0 the momentum term is zero at the first step, so x_1 is a plain "
                  "gradient step x0 - step * grad(x0), whatever beta is.")
def test_heavy_ball_first_step(submission, quadratic, rng):
    problem = quadratic([1.0, 3.0, 6.0])
    x0 = rng.normal(size=3) + 2.0
    path = submission.heavy_ball(problem.grad, x0.copy(), 0.1, 0.9, 1)
    assert_array(path, "heavy_ball(grad, x0, step=0.1, beta=0.9, iters=1)", shape=(2, 3))
    assert_close(path[1], x0 - 0.1 * problem.grad(x0), "x_1 of heavy_ball", rtol=1e-12, atol=1e-14)


@pytest.mark.points(1)
@pytest.mark.hint("With beta = 0 the momentum term vanishes and heavy ball is gradient descent.")
def test_heavy_ball_without_momentum(submission, reference, logistic):
    problem = logistic(30, 3)
    x0 = np.ones(3)
    path = submission.heavy_ball(problem.grad, x0.copy(), 1.0, 0.0, 15)
    assert_close(path, reference.gradient_descent(problem.grad, x0, 1.0, 15),
                 "heavy_ball(grad, x0, step, beta=0, iters=15) compared with gradient descent", rtol=1e-9, atol=1e-12)


@pytest.mark.points(1)
@pytest.mark.hint("On a quadratic with condition number kappa, step 4/(sqrt(L)+sqrt(mu))^2 and "
                  "beta = ((sqrt(kappa)-1)/(sqrt(kappa)+1))^2 contract the error by about "
                  "(sqrt(kappa)-1)/(sqrt(kappa)+1) per step, far faster than gradient descent.")
def test_heavy_ball_accelerates(submission, quadratic, rng):
    problem = quadratic(np.array([1.0, 3.0, 20.0, 60.0, 100.0]))
    sl, sm = np.sqrt(problem.L), np.sqrt(problem.mu)
    step, beta = 4.0 / (sl + sm) ** 2, ((sl - sm) / (sl + sm)) ** 2
    x0 = problem.xstar + rng.normal(size=5)
    path = submission.heavy_ball(problem.grad, x0.copy(), step, beta, 150)
    assert_array(path, "heavy_ball(grad, x0, step, beta, iters=150)", shape=(151, 5))
    check(np.all(np.isfinite(path)), "heavy_ball with Polyak's parameters produced inf or nan on a quadratic")
    ratio = np.linalg.norm(path[-1] - problem.xstar) / np.linalg.norm(x0 - problem.xstar)
    check(ratio < 1e-6, f"heavy_ball with Polyak's parameters reduced the distance to the minimiser only by a "
                        f"factor {ratio:.3g} in 150 steps on a quadratic with condition number 100")


@pytest.mark.points(1)
@pytest.mark.hint("Work on a copy of x0 (and keep the previous iterate as a separate array).")
def test_heavy_ball_keeps_x0(submission, quadratic, rng):
    problem = quadratic([1.0, 2.0])
    x0 = rng.normal(size=2)
    before = x0.copy()
    submission.heavy_ball(problem.grad, x0, 0.1, 0.5, 4)
    check(np.array_equal(x0, before), "heavy_ball changed the caller's x0 in place")
