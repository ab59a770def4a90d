"""descent_lemma_bound (values) and descent_lemma_holds (as a property on many random pairs).

For a function with L-Lipschitz gradient the bound holds on every pair, so
descent_lemma_holds must say True for the true L; with an L well below the
largest curvature some pairs violate it and the answer must be False.

A student's descent_lemma_holds may call their own descent_lemma_bound, so the
inputs are chosen to keep the bound's classic mistakes from being charged a
second time here: the "too small" L values are at most 0.3 times the true one
(a bound with L instead of L/2 still answers False), and the "too small" cases
use functions with negative curvature next to the positive one (a bound with the
gradient taken at y is violated where f curves down, so it answers False too).
"""

import numpy as np
import pytest

from autograder.testing import assert_scalar, check


def _as_bool(value, name):
    check(isinstance(value, (bool, np.bool_)), f"{name} should return a bool")
    return bool(value)


@pytest.mark.points(1)
@pytest.mark.hint("bound = f(x) + grad(x) . (y - x) + L/2 ||y - x||^2: the gradient is taken at x, "
                  "and the quadratic term has the factor 1/2.")
@pytest.mark.parametrize("case", ["quadratic", "logistic", "one-dimensional"])
def test_descent_lemma_bound(submission, reference, quadratic, logistic, rng, case):
    if case == "quadratic":
        problem, d = quadratic([0.1, 1.0, 4.0, 7.0]), 4
    elif case == "logistic":
        problem, d = logistic(20, 3), 3
    else:
        problem, d = quadratic([3.0]), 1
    for _ in range(3):
        x, y = rng.normal(size=d), rng.normal(size=d)
        L = float(rng.uniform(0.5, 5.0))
        assert_scalar(submission.descent_lemma_bound(problem.f, problem.grad, x, y, L),
                      reference.descent_lemma_bound(problem.f, problem.grad, x, y, L),
                      f"descent_lemma_bound(f, grad, x, y, L) for a {case} f", rtol=1e-10, atol=1e-12)


@pytest.mark.points(1)
@pytest.mark.hint("With y = x the step y - x is zero, so the bound is exactly f(x).")
def test_descent_lemma_bound_at_x(submission, quadratic, rng):
    problem = quadratic([0.5, 2.0, 3.0])
    x = rng.normal(size=3)
    assert_scalar(submission.descent_lemma_bound(problem.f, problem.grad, x, x.copy(), 2.0), problem.f(x),
                  "descent_lemma_bound(f, grad, x, x, L)", rtol=1e-12, atol=1e-14)


def _quadratic_pairs(problem, rng, m=30):
    """A third of the steps in the low-curvature eigenspace, the rest mostly along the two extreme
    eigenvectors (the largest and the smallest eigenvalue)."""
    eigenvalues, vectors = np.linalg.eigh(problem.A)
    d = eigenvalues.size
    k = m // 3
    xs = rng.normal(size=(m, d))
    low = vectors[:, 1:3] @ rng.normal(size=(2, k))
    top = 3.0 * vectors[:, -1:] * rng.choice([-1.0, 1.0], size=(1, k)) + 0.3 * rng.normal(size=(d, k))
    bottom = 3.0 * vectors[:, :1] * rng.choice([-1.0, 1.0], size=(1, m - 2 * k)) + 0.3 * rng.normal(size=(d, m - 2 * k))
    return xs, xs + np.concatenate([low, top, bottom], axis=1).T


@pytest.mark.points(1)
@pytest.mark.hint("f(y) <= bound(x, y) + tol must be tested for every pair (xs[i], ys[i]); with the "
                  "largest eigenvalue of A as L the lemma holds everywhere.")
def test_holds_quadratic_true_L(submission, quadratic, rng):
    problem = quadratic([0.05, 0.5, 2.0, 10.0])
    xs, ys = _quadratic_pairs(problem, rng)
    got = _as_bool(submission.descent_lemma_holds(problem.f, problem.grad, problem.L, xs, ys),
                   "descent_lemma_holds(f, grad, L, xs, ys)")
    check(got, "descent_lemma_holds answered False for a convex quadratic with L = lambda_max(A), "
               "where the lemma holds on every pair")


@pytest.mark.points(1)
@pytest.mark.hint("The lemma needs no convexity: for f = 1/2 x^T A x + b^T x with A symmetric it holds with "
                  "L = max |eigenvalue|, and fails for a smaller L on steps along the top eigenvector. "
                  "It has to hold for ALL pairs: one pair with f(y) > bound + tol is enough to answer False.")
@pytest.mark.parametrize("which", ["true L", "L too small"])
def test_holds_indefinite_quadratic(submission, quadratic, rng, which):
    problem = quadratic([-10.0, -0.5, 2.0, 10.0])  # L = 10, neither convex nor concave
    xs, ys = _quadratic_pairs(problem, rng)
    L = 10.0 if which == "true L" else 3.0
    got = _as_bool(submission.descent_lemma_holds(problem.f, problem.grad, L, xs, ys),
                   "descent_lemma_holds(f, grad, L, xs, ys)")
    if which == "true L":
        check(got, "descent_lemma_holds answered False for a quadratic whose eigenvalues lie in [-10, 10] "
                   "with L = 10, where the lemma holds on every pair")
    else:
        check(not got, "descent_lemma_holds answered True for a quadratic with top eigenvalue 10 and L = 3, "
                       "but the pairs stepping along the top eigenvector violate the bound")


@pytest.mark.points(1)
@pytest.mark.hint("For the mean logistic loss L = lambda_max(X^T X) / (4 n) makes the lemma hold "
                  "on every pair, near beta = 0 (largest curvature) and far from it.")
def test_holds_logistic_true_L(submission, logistic, rng):
    problem = logistic(30, 3)
    top = np.linalg.eigh(problem.X.T @ problem.X)[1][:, -1]
    xs = np.concatenate([rng.normal(size=(10, 3)), 0.05 * rng.normal(size=(10, 3))])
    steps = np.concatenate([rng.normal(size=(10, 3)),
                            0.2 * top * rng.choice([-1.0, 1.0], size=(10, 1)) + 0.02 * rng.normal(size=(10, 3))])
    got = _as_bool(submission.descent_lemma_holds(problem.f, problem.grad, problem.L, xs, xs + steps),
                   "descent_lemma_holds(f, grad, L, xs, ys)")
    check(got, "descent_lemma_holds answered False for the logistic loss with its true L, "
               "where the lemma holds on every pair")


@pytest.mark.points(1)
@pytest.mark.hint("f(x) = sum cos(x_i) has f'' = -cos(x_i) in [-1, 1], so L = 1 works; near x_i = pi "
                  "the curvature is +1, so L = 0.3 must fail there.")
@pytest.mark.parametrize("which", ["true L", "L too small"])
def test_holds_cosine(submission, rng, which):
    def f(x):
        return float(np.sum(np.cos(np.asarray(x, dtype=np.float64))))

    def grad(x):
        return -np.sin(np.asarray(x, dtype=np.float64))

    centres = np.repeat([[0.0], [np.pi], [2.0]], [6, 6, 6], axis=0)
    xs = centres + 0.05 * rng.normal(size=(18, 3))
    steps = np.concatenate([0.3 * rng.normal(size=(12, 3)), 2.0 * rng.normal(size=(6, 3))])
    L = 1.0 if which == "true L" else 0.3
    got = _as_bool(submission.descent_lemma_holds(f, grad, L, xs, xs + steps), "descent_lemma_holds(f, grad, L, xs, ys)")
    if which == "true L":
        check(got, "descent_lemma_holds answered False for sum cos(x_i) with L = 1, "
                   "where the lemma holds on every pair")
    else:
        check(not got, "descent_lemma_holds answered True for sum cos(x_i) with L = 0.3, "
                       "but short steps near x = (pi, pi, pi) violate the bound")


@pytest.mark.points(1)
@pytest.mark.hint("For a linear f the bound with L = 0 holds with equality; equality counts as "
                  "holding (f(y) <= bound + tol, not <).")
def test_holds_with_equality(submission, rng):
    c = np.array([2.0, -1.0, 3.0])

    def f(x):
        return float(np.asarray(x, dtype=np.float64) @ c + 5.0)

    def grad(x):
        return c.copy()

    xs = rng.integers(-4, 5, size=(8, 3)).astype(np.float64)
    ys = rng.integers(-4, 5, size=(8, 3)).astype(np.float64)
    got = _as_bool(submission.descent_lemma_holds(f, grad, 0.0, xs, ys), "descent_lemma_holds(f, grad, 0, xs, ys)")
    check(got, "descent_lemma_holds answered False for a linear f with L = 0, where f(y) equals the bound exactly")


@pytest.mark.points(1)
@pytest.mark.hint("tol is an absolute slack: the test is f(y) <= bound + tol. A violation smaller "
                  "than tol is forgiven; with tol = 0 it is not.")
def test_holds_uses_tol(submission, quadratic, rng):
    problem = quadratic([-6.0, 0.5, 8.0])
    vectors = np.linalg.eigh(problem.A)[1]
    xs = rng.normal(size=(8, 3))
    # tiny steps along the extreme eigenvectors: with L = 0 each pair misses the bound by 1e-8 or less
    steps = 1e-4 * np.concatenate([np.tile(vectors[:, -1], (4, 1)), np.tile(vectors[:, 0], (4, 1))])
    loose = _as_bool(submission.descent_lemma_holds(problem.f, problem.grad, 0.0, xs, xs + steps, tol=1e-5),
                     "descent_lemma_holds(..., tol=1e-5)")
    strict = _as_bool(submission.descent_lemma_holds(problem.f, problem.grad, 0.0, xs, xs + steps, tol=0.0),
                      "descent_lemma_holds(..., tol=0)")
    check(loose, "descent_lemma_holds(f, grad, 0, xs, ys, tol=1e-5) answered False although every violation "
                 "is far below tol")
    check(not strict, "descent_lemma_holds(f, grad, 0, xs, ys, tol=0) answered True although some pairs "
                      "violate the bound")
