"""Quick checks you can run yourself: autograder check logistic_gradient logistic.py

They use small inputs with values worked out by hand, and compare your
functions with each other. Passing them does not mean full marks: the graded
suite also tries large margins, non-square X, N = 1 and more.
"""

import math

import numpy as np
import pytest
import sympy as sp

from autograder.testing import assert_array, assert_close, assert_scalar, check

X = np.array([[1.0, 2.0, -1.0], [0.5, -1.0, 2.0]])  # n = 2 samples, d = 3 features
Y = np.array([1.0, 0.0])


@pytest.mark.points(1)
def test_sigmoid_small(submission):
    z = np.array([[-1.0, 0.0], [1.0, 2.0]])
    expected = np.array([[1 / (1 + math.e), 0.5], [1 / (1 + math.exp(-1)), 1 / (1 + math.exp(-2))]])
    assert_close(submission.sigmoid(z), expected, "sigmoid of a (2, 2) array")


@pytest.mark.points(1)
def test_sigmoid_limits(submission):
    out = assert_array(submission.sigmoid(np.array([-1e4, 1e4])), "sigmoid([-1e4, 1e4])", shape=(2,))
    check(out[0] == 0.0 and out[1] == 1.0, "sigmoid([-1e4, 1e4]) should be exactly [0.0, 1.0]")


@pytest.mark.points(1)
def test_log_loss_at_zero(submission):
    # with beta = 0 every p_i is 1/2, so the loss is log 2 whatever the labels
    assert_scalar(submission.log_loss(np.zeros(3), X, Y), math.log(2.0), "log_loss at beta = 0")


@pytest.mark.points(1)
def test_gradient_at_zero(submission):
    # p = 1/2 everywhere: gradient = X^T (1/2 - y) / n
    expected = X.T @ (0.5 - Y) / 2
    assert_close(submission.gradient(np.zeros(3), X, Y), expected, "gradient at beta = 0")


@pytest.mark.points(1)
def test_hessian_shape_and_symmetry(submission):
    H = assert_array(submission.hessian(np.array([0.1, -0.2, 0.3]), X, Y), "hessian", shape=(3, 3))
    check(np.allclose(H, H.T), "hessian should be symmetric")


@pytest.mark.points(1)
def test_numerical_gradient_square(submission):
    x = np.array([1.0, -2.0, 0.5])
    before = x.copy()
    g = submission.numerical_gradient(lambda v: float(np.sum(v**2)), x)
    assert_close(g, 2 * before, "numerical_gradient of sum(x^2)", rtol=1e-6, atol=1e-7)
    check(np.array_equal(x, before), "numerical_gradient changed x")


@pytest.mark.points(1)
def test_gradient_matches_numerical_gradient(submission):
    beta = np.array([0.3, -0.1, 0.2])
    numeric = submission.numerical_gradient(lambda b: submission.log_loss(b, X, Y), beta)
    assert_close(submission.gradient(beta, X, Y), numeric, "gradient against your numerical_gradient",
                 rtol=1e-5, atol=1e-8)


@pytest.mark.points(1)
def test_fit_one_step(submission):
    beta = assert_array(submission.fit(X, Y, 0.5, 1), "fit(X, y, lr=0.5, iters=1)", shape=(3,))
    assert_close(beta, -0.5 * (X.T @ (0.5 - Y) / 2), "fit(X, y, lr=0.5, iters=1)")


@pytest.mark.points(1)
def test_gradient_symbolic_one_point(submission):
    expr = submission.gradient_symbolic()
    check(isinstance(expr, sp.Expr), "gradient_symbolic() should return a sympy expression")
    names = {str(s) for s in expr.free_symbols}
    check(names <= {"x", "y", "b"}, f"gradient_symbolic() uses symbols {sorted(names)}; only x, y, b are allowed")
    point = {s: {"x": 2, "y": 1, "b": 0}[str(s)] for s in expr.free_symbols}
    # at b = 0 the sigmoid is 1/2, so the derivative is x (1/2 - y) = -1
    assert_close(complex(expr.evalf(subs=point)).real, -1.0, "gradient_symbolic() at x=2, y=1, b=0")
