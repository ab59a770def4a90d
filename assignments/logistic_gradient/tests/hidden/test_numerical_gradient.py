"""numerical_gradient: accuracy of central differences, evaluation points, x untouched."""

import numpy as np
import pytest

from autograder.testing import assert_array, assert_close, check


def _quadratic_cubic(rng, d):
    """f(x) = x^T A x / 2 + sum(x^3) near 0: large curvature against a small gradient.

    Forward differences are off by about h/2 * A_ii ~ 5e-5 here, far outside
    the tolerance, while central differences are accurate to ~1e-10.
    """
    M = rng.normal(size=(d, d))
    A = 100.0 * (M @ M.T / d + np.eye(d))
    x = rng.uniform(-0.1, 0.1, size=d)

    def f(v):
        return float(0.5 * v @ A @ v + np.sum(v**3))

    return f, A @ x + 3 * x**2, x


@pytest.mark.points(2)
@pytest.mark.hint("Use central differences (f(x + h e_i) - f(x - h e_i)) / (2h): forward differences "
                  "(f(x + h e_i) - f(x)) / h are only accurate to order h.")
def test_numerical_gradient_accuracy(submission, rng):
    f, grad, x = _quadratic_cubic(rng, 5)
    got = submission.numerical_gradient(f, x)
    assert_close(got, grad, "numerical_gradient(f, x) against the exact gradient", rtol=1e-6, atol=1e-6)


@pytest.mark.points(1)
@pytest.mark.hint("Evaluate f at x + h e_i and at x - h e_i for every coordinate i (2d calls in all).")
def test_numerical_gradient_evaluation_points(submission, rng):
    f, _, x = _quadratic_cubic(rng, 4)
    seen = []

    def recorded(v):
        seen.append(np.array(v, dtype=np.float64))
        return f(v)

    original = x.copy()
    submission.numerical_gradient(recorded, x)
    h = 1e-6
    for i in range(x.size):
        for sign in (1, -1):
            target = original.copy()
            target[i] += sign * h
            check(any(p.shape == x.shape and np.allclose(p, target, rtol=0, atol=1e-12) for p in seen),
                  f"numerical_gradient never evaluated f at x {'+' if sign > 0 else '-'} h e_{i}")
    check(len(seen) <= 2 * x.size + 1,
          f"numerical_gradient called f {len(seen)} times for a vector of length {x.size}; "
          f"central differences need {2 * x.size}")


@pytest.mark.points(2)
@pytest.mark.hint("Restore each entry of x after perturbing it (or work on a copy): "
                  "the caller's x must be unchanged.")
def test_numerical_gradient_leaves_x_unchanged(submission, rng):
    f, _, x = _quadratic_cubic(rng, 5)
    original = x.copy()
    submission.numerical_gradient(f, x)
    check(np.array_equal(x, original), "numerical_gradient changed the array x it was given")


@pytest.mark.points(1)
@pytest.mark.hint("Use the step h that is passed in (its default is 1e-6).")
def test_numerical_gradient_uses_h(submission, reference, rng):
    f, _, x = _quadratic_cubic(rng, 3)
    assert_close(submission.numerical_gradient(f, x, 1e-2), reference.numerical_gradient(f, x, 1e-2),
                 "numerical_gradient(f, x, h=1e-2)", rtol=1e-7, atol=1e-9)


@pytest.mark.points(1)
@pytest.mark.hint("x may have any shape: loop over every entry (np.ndindex or np.nditer helps) "
                  "and return an array of the same shape as x.")
def test_numerical_gradient_matrix_input(submission, rng):
    W = rng.normal(size=(2, 3))
    x = rng.normal(size=(2, 3))

    def f(v):
        return float(np.sum(W * v) + np.sum(v**3))

    got = assert_array(submission.numerical_gradient(f, x), "numerical_gradient for x of shape (2, 3)",
                       shape=(2, 3))
    assert_close(got, W + 3 * x**2, "numerical_gradient for x of shape (2, 3)", rtol=1e-6, atol=1e-7)


@pytest.mark.points(1)
@pytest.mark.hint("numerical_gradient of the logistic loss should agree with the analytic gradient "
                  "X^T (p - y) / n to about 1e-8.")
def test_numerical_gradient_of_log_loss(submission, reference, make_problem):
    beta, X, y = make_problem(6, 3)
    got = submission.numerical_gradient(lambda b: reference.log_loss(b, X, y), beta)
    assert_close(got, reference.gradient(beta, X, y), "numerical_gradient of log_loss",
                 rtol=1e-5, atol=1e-8)
