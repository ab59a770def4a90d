"""gradient and hessian: reference values and finite-difference oracles."""

import numpy as np
import pytest

from autograder.testing import assert_array, assert_close, check

# N = 1, N > d, N < d (non-square X catches dividing by the wrong dimension)
SHAPES = [(1, 3), (6, 3), (4, 9), (12, 2)]


def _jacobian(reference, fn, beta):
    """Central-difference Jacobian of the vector function fn at beta, judge-side."""
    columns = [reference.numerical_gradient(lambda b, i=i: fn(b)[i], beta, h=1e-5) for i in range(beta.size)]
    return np.array(columns)


@pytest.mark.points(1)
@pytest.mark.hint("The gradient of the mean loss is X^T (p - y) / n with p = sigmoid(X beta), "
                  "n the number of rows of X; it has shape (d,).")
@pytest.mark.parametrize("n,d", SHAPES)
def test_gradient_values(submission, reference, make_problem, n, d):
    beta, X, y = make_problem(n, d)
    assert_close(submission.gradient(beta, X, y), reference.gradient(beta, X, y),
                 f"gradient for X of shape {(n, d)}")


@pytest.mark.points(2)
@pytest.mark.hint("Compare your gradient with central differences of the loss: each entry i is "
                  "the slope of the mean loss along beta_i.")
def test_gradient_matches_finite_differences(submission, reference, make_problem):
    beta, X, y = make_problem(7, 4)
    slopes = reference.numerical_gradient(lambda b: reference.log_loss(b, X, y), beta, h=1e-5)
    assert_close(submission.gradient(beta, X, y), slopes,
                 "gradient against central differences of the loss", rtol=1e-5, atol=1e-8)


@pytest.mark.points(1)
@pytest.mark.hint("The Hessian is X^T diag(w) X / n with w_i = p_i (1 - p_i); it has shape (d, d).")
@pytest.mark.parametrize("n,d", SHAPES[:3])
def test_hessian_values(submission, reference, make_problem, n, d):
    beta, X, y = make_problem(n, d)
    assert_close(submission.hessian(beta, X, y), reference.hessian(beta, X, y),
                 f"hessian for X of shape {(n, d)}")


@pytest.mark.points(1)
@pytest.mark.hint("X^T diag(w) X with w >= 0 is symmetric positive semidefinite; "
                  "a non-symmetric result usually means the weights multiply the wrong side.")
def test_hessian_symmetric_psd(submission, make_problem):
    beta, X, y = make_problem(5, 4)
    H = assert_array(submission.hessian(beta, X, y), "hessian", shape=(4, 4))
    check(np.all(np.isfinite(H)), "hessian: contains inf or nan")
    scale = max(1.0, float(np.abs(H).max()))
    check(np.abs(H - H.T).max() <= 1e-12 * scale, "hessian: the matrix is not symmetric")
    check(np.linalg.eigvalsh((H + H.T) / 2).min() >= -1e-12 * scale,
          "hessian: the matrix has a negative eigenvalue, so it is not positive semidefinite")


@pytest.mark.points(2)
@pytest.mark.hint("The Hessian is the Jacobian of the gradient: differentiate (p_i - y_i) x_i once more, "
                  "remembering that sigmoid'(m) = sigmoid(m) (1 - sigmoid(m)).")
def test_hessian_is_jacobian_of_gradient(submission, reference, make_problem):
    beta, X, y = make_problem(6, 3)
    jac = _jacobian(reference, lambda b: reference.gradient(b, X, y), beta)
    assert_close(submission.hessian(beta, X, y), jac,
                 "hessian against central differences of the gradient", rtol=1e-5, atol=1e-8)
