"""sigmoid and log_loss: float64 reference values, extreme inputs, consistency."""

import numpy as np
import pytest

from autograder.testing import assert_array, assert_close, assert_scalar, check

SHAPES = [(1, 3), (6, 3), (4, 9)]


@pytest.mark.points(1)
@pytest.mark.hint("sigmoid is applied elementwise and returns an array of the same shape as z.")
@pytest.mark.parametrize("shape", [(7,), (3, 4)])
def test_sigmoid_values(submission, reference, rng, shape):
    z = rng.normal(scale=4.0, size=shape)
    assert_close(submission.sigmoid(z), reference.sigmoid(z), f"sigmoid(z) for z of shape {shape}")


@pytest.mark.points(2)
@pytest.mark.hint("Only ever exponentiate a non-positive number: pick the form of the sigmoid "
                  "by the sign of z. At |z| = 1e4 the result must be exactly 0.0 or 1.0.")
def test_sigmoid_extremes(submission, reference):
    z = np.array([-1e4, -1e3, -745.0, -50.0, -1.0, 0.0, 1.0, 50.0, 745.0, 1e3, 1e4])
    got = assert_array(submission.sigmoid(z), "sigmoid(z) at large |z|", shape=z.shape)
    check(np.all(np.isfinite(got)),
          f"sigmoid(z) at large |z|: inf or nan at z = {z[~np.isfinite(got)].tolist()}; "
          "this usually means exp overflowed")
    assert_close(got, reference.sigmoid(z), "sigmoid(z) at large |z|")
    for value, limit in ((-1e4, 0.0), (-1e3, 0.0), (1e3, 1.0), (1e4, 1.0)):
        check(got[z == value][0] == limit, f"sigmoid({value:g}) should be exactly {limit}")


@pytest.mark.points(1)
@pytest.mark.hint("log_loss is the mean over the n rows of the negative log-likelihood; it returns a float.")
@pytest.mark.parametrize("n,d", SHAPES)
def test_log_loss_values(submission, reference, make_problem, n, d):
    beta, X, y = make_problem(n, d)
    assert_scalar(submission.log_loss(beta, X, y), reference.log_loss(beta, X, y),
                  f"log_loss for X of shape {(n, d)}")


def _large_margin_problem(rng, misclassified):
    """Margins of both signs up to exactly +-1e3, so every overflow path is exercised."""
    d = 3
    beta = rng.normal(size=d)
    direction = beta / (beta @ beta)  # x . beta = 1 for x = direction
    scales = np.array([1e3, -1e3, 700.0, -700.0, 40.0, -40.0, 3.0, -3.0])
    across = np.cross(beta, rng.normal(size=d))  # orthogonal to beta: moves x, not the margin
    X = scales[:, None] * direction + rng.normal(size=(scales.size, 1)) * across / np.linalg.norm(across)
    y = (scales > 0).astype(np.float64)
    if misclassified:
        y[[0, 3, 5]] = 1.0 - y[[0, 3, 5]]
    return beta, X, y


@pytest.mark.points(2)
@pytest.mark.hint("Write -log sigmoid(m) and -log(1 - sigmoid(m)) in terms of the margin m as "
                  "log(1 + e^t) and evaluate that with a log-sum-exp (np.logaddexp), "
                  "not by taking the log of a probability that has rounded to 0 or 1.")
@pytest.mark.parametrize("case", ["separable", "misclassified"])
def test_log_loss_large_margins(submission, reference, rng, case):
    beta, X, y = _large_margin_problem(rng, case == "misclassified")
    assert_scalar(submission.log_loss(beta, X, y), reference.log_loss(beta, X, y),
                  f"log_loss with margins up to 1e3 ({case} labels)")


@pytest.mark.points(1)
@pytest.mark.hint("Your log_loss and the gradient formula X^T (p - y) / n disagree: "
                  "check the mean over rows and the signs of both terms.")
def test_log_loss_slope_matches_gradient(submission, reference, make_problem):
    beta, X, y = make_problem(5, 3)
    h = 1e-5
    slopes = np.empty_like(beta)
    for i in range(beta.size):
        step = np.zeros_like(beta)
        step[i] = h
        slopes[i] = (submission.log_loss(beta + step, X, y) - submission.log_loss(beta - step, X, y)) / (2 * h)
    assert_close(slopes, reference.gradient(beta, X, y),
                 "central differences of your log_loss", rtol=1e-5, atol=1e-8)
