"""Reference solution for logistic_gradient: logistic regression by hand.

Model: p_i = sigmoid(x_i . beta), labels y_i in {0, 1}. Everything is float64
and written to stay finite and accurate for margins up to 1e4.
"""

from __future__ import annotations

from typing import Callable

import numpy as np
import sympy as sp


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Elementwise 1 / (1 + exp(-z)), same shape as z.

    exp is only ever taken of a non-positive number, so it cannot overflow:
    for z >= 0 use 1 / (1 + e^-z), for z < 0 the equal form e^z / (1 + e^z).
    At |z| = 1e4 the exponential underflows to exactly 0, which gives the
    exact limits 1.0 and 0.0.
    """
    z = np.asarray(z, dtype=np.float64)
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def log_loss(beta: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """Mean negative log-likelihood; beta (d,), X (n, d), y (n,) -> float.

    With margin m = x . beta, -log sigmoid(m) = log(1 + e^-m) and
    -log(1 - sigmoid(m)) = log(1 + e^m); np.logaddexp(0, t) evaluates
    log(1 + e^t) without overflow, so no probability is ever rounded to 0 or 1
    before its logarithm is taken.
    """
    margins = X @ beta
    losses = y * np.logaddexp(0.0, -margins) + (1.0 - y) * np.logaddexp(0.0, margins)
    return float(np.mean(losses))


def gradient(beta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Gradient of log_loss in beta; beta (d,), X (n, d), y (n,) -> (d,).

    Each row contributes (p_i - y_i) x_i, and the loss is a mean, hence / n.
    """
    residual = sigmoid(X @ beta) - y
    return X.T @ residual / X.shape[0]


def hessian(beta: np.ndarray, X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Hessian of log_loss in beta; beta (d,), X (n, d), y (n,) -> (d, d).

    X^T diag(w) X / n with w_i = p_i (1 - p_i); y does not appear because the
    gradient is linear in y. Scaling the rows of X avoids building the
    (n, n) diagonal matrix.
    """
    p = sigmoid(X @ beta)
    weights = p * (1.0 - p)
    return X.T @ (weights[:, None] * X) / X.shape[0]


def numerical_gradient(f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences (f(x + h e_i) - f(x - h e_i)) / (2h); x any shape -> same shape.

    The steps are taken on a private copy, so the caller's x is untouched,
    and each coordinate is reset exactly before moving to the next one.
    """
    point = np.array(x, dtype=np.float64)
    grad = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        original = point[index]
        point[index] = original + h
        f_plus = f(point)
        point[index] = original - h
        f_minus = f(point)
        point[index] = original
        grad[index] = (f_plus - f_minus) / (2.0 * h)
    return grad


def fit(X: np.ndarray, y: np.ndarray, lr: float, iters: int) -> np.ndarray:
    """Gradient descent from beta = 0; X (n, d), y (n,) -> beta (d,) after exactly iters steps."""
    beta = np.zeros(X.shape[1])
    for _ in range(iters):
        beta = beta - lr * gradient(beta, X, y)
    return beta


def gradient_symbolic() -> sp.Expr:
    """d/db of the one-sample loss -[y log s(xb) + (1 - y) log(1 - s(xb))], s the sigmoid.

    Differentiated by sympy rather than by hand, so the reference cannot carry
    a derivation slip; it is equivalent to x (s(xb) - y).
    """
    x, y, b = sp.symbols("x y b", real=True)
    s = 1 / (1 + sp.exp(-x * b))
    loss = -(y * sp.log(s) + (1 - y) * sp.log(1 - s))
    return sp.diff(loss, b)
