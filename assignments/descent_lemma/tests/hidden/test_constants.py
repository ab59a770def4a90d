"""quadratic_constants and logistic_smoothness: exact values and the curvature they bound."""

import numpy as np
import pytest

from autograder.testing import assert_scalar, check


def _pair(value, name):
    check(isinstance(value, (tuple, list)) and len(value) == 2,
          f"{name} should return a tuple (L, mu) of two floats")
    return value


@pytest.mark.points(1)
@pytest.mark.hint("L is the largest and mu the smallest eigenvalue of A; for a symmetric matrix use "
                  "np.linalg.eigvalsh, which returns real eigenvalues in ascending order. "
                  "Return them in the order (L, mu).")
@pytest.mark.parametrize("case", ["1x1", "diagonal", "dense", "singular", "ill-conditioned"])
def test_quadratic_constants(submission, quadratic, rng, case):
    if case == "1x1":
        problem = quadratic([2.5])
    elif case == "diagonal":
        lam = np.array([0.7, 3.0, 1.5, 0.2])
        problem = quadratic(lam)
        problem.A = np.diag(lam)
    elif case == "dense":
        problem = quadratic(rng.uniform(0.5, 4.0, size=5))
    elif case == "singular":
        problem = quadratic([0.0, 0.3, 2.0])
    else:
        problem = quadratic(np.logspace(-3, 2, 6))
    scale = float(np.max(np.abs(np.linalg.eigvalsh(problem.A))))
    L, mu = _pair(submission.quadratic_constants(problem.A), f"quadratic_constants(A) for a {case} A")
    want = np.linalg.eigvalsh(problem.A)
    assert_scalar(L, want[-1], f"L = quadratic_constants(A)[0] for a {case} A", rtol=1e-9, atol=1e-12 * scale)
    assert_scalar(mu, want[0], f"mu = quadratic_constants(A)[1] for a {case} A", rtol=1e-9, atol=1e-12 * scale)


@pytest.mark.points(1)
@pytest.mark.hint("For every unit vector v, mu <= v^T A v <= L, with equality at the eigenvectors: "
                  "L I - A and A - mu I are positive semi-definite and singular.")
def test_quadratic_constants_are_tight_bounds(submission, quadratic):
    problem = quadratic([0.05, 0.4, 0.4, 6.0, 9.5])
    L, mu = _pair(submission.quadratic_constants(problem.A), "quadratic_constants(A)")
    d = problem.A.shape[0]
    above = np.linalg.eigvalsh(float(L) * np.eye(d) - problem.A)
    below = np.linalg.eigvalsh(problem.A - float(mu) * np.eye(d))
    check(above[0] > -1e-9 and abs(above[0]) < 1e-9,
          "L I - A should be positive semi-definite with a zero eigenvalue (L the largest curvature of f)")
    check(below[0] > -1e-9 and abs(below[0]) < 1e-9,
          "A - mu I should be positive semi-definite with a zero eigenvalue (mu the smallest curvature of f)")


@pytest.mark.points(1)
@pytest.mark.hint("L = lambda_max(X^T X) / (4 n): the loss is a mean over the n rows, and "
                  "sigma'(z) = p (1 - p) is at most 1/4.")
@pytest.mark.parametrize("n,d", [(1, 3), (25, 3), (6, 9), (40, 1)])
def test_logistic_smoothness(submission, reference, rng, n, d):
    X = rng.normal(size=(n, d)) * rng.uniform(0.5, 3.0, size=d)
    assert_scalar(submission.logistic_smoothness(X), reference.logistic_smoothness(X),
                  f"logistic_smoothness(X) for X of shape {(n, d)}", rtol=1e-9)


@pytest.mark.points(1)
@pytest.mark.hint("The Hessian of the mean logistic loss is X^T diag(p(1-p)) X / n; its largest "
                  "eigenvalue is at most L everywhere and equal to L at beta = 0, where p = 1/2.")
def test_logistic_smoothness_bounds_hessian(submission, logistic, rng):
    problem = logistic(30, 4)
    L = submission.logistic_smoothness(problem.X)
    check(isinstance(L, (int, float, np.floating)) and np.isfinite(L),
          "logistic_smoothness(X) should return a finite float")
    at_zero = np.linalg.eigvalsh(problem.hess(np.zeros(4)))[-1]
    check(abs(float(L) - at_zero) <= 1e-9 * at_zero,
          "logistic_smoothness(X) differs from the largest eigenvalue of the loss's Hessian at beta = 0, "
          "where the curvature is largest")
    for _ in range(5):
        beta = rng.normal(size=4)
        check(np.linalg.eigvalsh(problem.hess(beta))[-1] <= float(L) * (1 + 1e-9),
              "logistic_smoothness(X) is smaller than the curvature of the loss at a random beta: "
              "it is not an upper bound")
