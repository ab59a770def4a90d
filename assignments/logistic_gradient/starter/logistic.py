"""Homework: logistic regression by hand (see handout.md).

Shapes: n samples, d features. X is (n, d), beta is (d,), y is (n,) with
entries 0.0 or 1.0. Everything is float64 numpy. Replace each
`raise NotImplementedError` with your code; do not rename the functions or
change their arguments.
"""

import numpy as np
import sympy as sp


def sigmoid(z):
    """Elementwise sigmoid 1 / (1 + exp(-z)).

    Inputs:
    - z: array of any shape

    Returns an array of the same shape as z. Must not overflow (no warnings,
    no nan) for |z| up to 1e4, where it returns exactly 0.0 or 1.0.
    """
    raise NotImplementedError


def log_loss(beta, X, y):
    """Mean negative log-likelihood of logistic regression.

    Inputs:
    - beta: (d,) coefficients
    - X: (n, d) data, one sample per row
    - y: (n,) labels in {0, 1}

    Returns a float: -(1/n) sum_i [y_i log p_i + (1 - y_i) log(1 - p_i)],
    p_i = sigmoid(x_i . beta). Finite and accurate for margins |x_i . beta|
    up to 1e3.
    """
    raise NotImplementedError


def gradient(beta, X, y):
    """Gradient of log_loss with respect to beta.

    Inputs: beta (d,), X (n, d), y (n,) as in log_loss.

    Returns an array of shape (d,).
    """
    raise NotImplementedError


def hessian(beta, X, y):
    """Hessian of log_loss with respect to beta.

    Inputs: beta (d,), X (n, d), y (n,) as in log_loss.

    Returns an array of shape (d, d).
    """
    raise NotImplementedError


def numerical_gradient(f, x, h=1e-6):
    """Central-difference gradient of a scalar function.

    Inputs:
    - f: callable taking an array shaped like x and returning a float
    - x: array of any shape, the point to differentiate at
    - h: step size

    Returns an array of the same shape as x whose entry i is
    (f(x + h e_i) - f(x - h e_i)) / (2h). On return, x must hold exactly the
    values it had on entry.
    """
    raise NotImplementedError


def fit(X, y, lr, iters):
    """Gradient descent on log_loss.

    Inputs:
    - X: (n, d) data
    - y: (n,) labels in {0, 1}
    - lr: float, learning rate
    - iters: int, number of steps (may be 0)

    Starts from beta = zeros (d,) and takes exactly iters steps
    beta <- beta - lr * gradient(beta, X, y). Returns beta, shape (d,).
    """
    raise NotImplementedError


def gradient_symbolic():
    """Derivative of the one-sample loss with respect to b, as a sympy expression.

    The loss is -[y log s(x b) + (1 - y) log(1 - s(x b))] with s the sigmoid,
    written in real sympy Symbols named x, y and b (e.g.
    sp.symbols("x y b", real=True)). Any equivalent form is accepted.
    """
    raise NotImplementedError
