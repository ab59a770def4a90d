"""Shared pieces of the hidden suite: test problems and a call-counting wrapper.

Every objective here is written judge-side (it never comes from the
submission or from another assignment's reference): quadratics with a chosen
spectrum, the mean logistic loss of assignment 1 on overlapping classes, and
a sum of log cosh. Each problem carries f, grad, hess and, where it matters,
its exact constants and minimiser.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Callable

import numpy as np
import pytest


class Counted:
    """A callable that counts its calls; equal to another when the counts agree.

    The equality lets mistake diagnosis tell apart two submissions that return
    the same value but call ``grad`` a different number of times.
    """

    def __init__(self, fn: Callable) -> None:
        self.fn = fn
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.fn(*args, **kwargs)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Counted) and other.calls == self.calls

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<callable called {self.calls} times>"


def _vec(x) -> np.ndarray:
    return np.asarray(x, dtype=np.float64)


def quadratic_problem(A: np.ndarray, b: np.ndarray) -> SimpleNamespace:
    """f(x) = 1/2 x^T A x + b^T x with A symmetric PSD and b in the range of A."""
    eig = np.linalg.eigvalsh(A)
    pinv = np.linalg.pinv(A, hermitian=True)
    xstar = -pinv @ b  # the minimiser of least norm

    def f(x):
        x = _vec(x)
        return float(0.5 * x @ A @ x + b @ x)

    def grad(x):
        return A @ _vec(x) + b

    def hess(x):
        return A.copy()

    return SimpleNamespace(A=A, b=b, f=f, grad=grad, hess=hess, L=float(eig[-1]), mu=float(eig[0]),
                           xstar=xstar, fstar=f(xstar), pinv=pinv)


@pytest.fixture
def quadratic(rng: np.random.Generator) -> Callable[..., SimpleNamespace]:
    """quadratic(eigenvalues) -> problem whose A has exactly that spectrum in a random basis."""

    def make(eigenvalues, b_scale: float = 1.0) -> SimpleNamespace:
        lam = np.asarray(eigenvalues, dtype=np.float64)
        d = lam.size
        Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
        A = (Q * lam) @ Q.T
        A = (A + A.T) / 2.0
        b = A @ rng.normal(size=d) * b_scale  # in the range of A: a minimiser exists
        return quadratic_problem(A, b)

    return make


def _sigmoid(z: np.ndarray) -> np.ndarray:
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def logistic_problem_from(X: np.ndarray, y: np.ndarray) -> SimpleNamespace:
    """Mean logistic loss of assignment 1: mean of log(1 + e^z) - y z with z = X beta."""
    n = X.shape[0]

    def f(beta):
        z = X @ _vec(beta)
        return float(np.mean(np.logaddexp(0.0, z) - y * z))

    def grad(beta):
        return X.T @ (_sigmoid(X @ _vec(beta)) - y) / n

    def hess(beta):
        p = _sigmoid(X @ _vec(beta))
        return (X.T * (p * (1.0 - p))) @ X / n

    return SimpleNamespace(X=X, y=y, f=f, grad=grad, hess=hess,
                           L=float(np.linalg.eigvalsh(X.T @ X)[-1] / (4.0 * n)))


@pytest.fixture
def logistic(rng: np.random.Generator) -> Callable[..., SimpleNamespace]:
    """logistic(n, d) -> problem on overlapping classes (noisy labels), so a finite minimiser exists."""

    def make(n: int, d: int, signal: float = 1.0) -> SimpleNamespace:
        X = rng.normal(size=(n, d)) + rng.normal(size=d)
        beta_true = signal * rng.normal(size=d) / np.sqrt(d)
        y = (rng.random(n) < _sigmoid(X @ beta_true)).astype(np.float64)
        y[:2] = [0.0, 1.0]
        return logistic_problem_from(X, y)

    return make


def log_cosh_problem() -> SimpleNamespace:
    """f(x) = sum log cosh(x_i): f'' = sech^2 in (0, 1], so L = 1, reached at x = 0."""

    def f(x):
        x = np.abs(_vec(x))
        return float(np.sum(x + np.log1p(np.exp(-2.0 * x)) - np.log(2.0)))

    def grad(x):
        return np.tanh(_vec(x))

    return SimpleNamespace(f=f, grad=grad, L=1.0)


@pytest.fixture
def counted() -> type[Counted]:
    return Counted


@pytest.fixture
def log_cosh() -> SimpleNamespace:
    return log_cosh_problem()
