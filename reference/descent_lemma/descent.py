"""Reference solution for ``descent_lemma``: smoothness, step sizes and rates.

Everything is float64 numpy; the heavy-ball counterexample is sympy. The
functions that take ``f``/``grad``/``hess`` treat them as black boxes that map
a ``(d,)`` array to a float, a ``(d,)`` array or a ``(d, d)`` array.
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
import sympy as sp

Objective = Callable[[np.ndarray], float]
VectorField = Callable[[np.ndarray], np.ndarray]


def quadratic_constants(A: np.ndarray) -> tuple[float, float]:
    """(L, mu) of 1/2 x^T A x + b^T x: its Hessian is A everywhere.

    The gradient A x + b changes by A (y - x), whose norm is at most
    lambda_max |y - x|, and the curvature along any direction is at least
    lambda_min. ``eigvalsh`` is the symmetric solver: real, sorted ascending.
    """
    A = np.asarray(A, dtype=np.float64)
    eigenvalues = np.linalg.eigvalsh((A + A.T) / 2.0)
    return float(eigenvalues[-1]), float(eigenvalues[0])


def logistic_smoothness(X: np.ndarray) -> float:
    """Smoothness constant of the mean logistic loss.

    Its Hessian is X^T diag(p(1-p)) X / n and p(1-p) never exceeds 1/4
    (reached at p = 1/2, i.e. at beta = 0), so lambda_max(X^T X) / (4 n) is
    both an upper bound and attained.
    """
    X = np.asarray(X, dtype=np.float64)
    n = X.shape[0]
    return float(np.linalg.eigvalsh(X.T @ X)[-1] / (4.0 * n))


def descent_lemma_bound(f: Objective, grad: VectorField, x: np.ndarray, y: np.ndarray, L: float) -> float:
    """The quadratic upper model of f around x, evaluated at y."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    step = y - x
    g = np.asarray(grad(x), dtype=np.float64)
    return float(f(x) + g @ step + 0.5 * L * (step @ step))


def descent_lemma_holds(f: Objective, grad: VectorField, L: float, xs: np.ndarray, ys: np.ndarray,
                        tol: float = 1e-12) -> bool:
    """True when f(y) <= bound(x, y) + tol for every pair: a necessary test of L-smoothness.

    One violated pair is enough to show that L is too small, so this is an
    ``all`` over the pairs, with an absolute slack ``tol`` for rounding.
    """
    xs = np.asarray(xs, dtype=np.float64)
    ys = np.asarray(ys, dtype=np.float64)
    for x, y in zip(xs, ys):
        if not float(f(y)) <= descent_lemma_bound(f, grad, x, y, L) + tol:
            return False
    return True


def gradient_descent(grad: VectorField, x0: np.ndarray, step: float, iters: int) -> np.ndarray:
    """Fixed-step gradient descent; row k of the result is x_k (row 0 is a copy of x0)."""
    x = np.array(x0, dtype=np.float64)  # a copy: the caller's x0 must not change
    path = np.empty((iters + 1, x.size), dtype=np.float64)
    path[0] = x
    for k in range(iters):
        x = x - step * np.asarray(grad(x), dtype=np.float64)
        path[k + 1] = x
    return path


def armijo_step(f: Objective, grad: VectorField, x: np.ndarray, eta0: float = 1.0, gamma: float = 0.5,
                shrink: float = 0.5) -> float:
    """Backtracking line search: the first eta0 * shrink^j with sufficient decrease.

    g and f(x) do not change while eta shrinks, so each is computed once; only
    the trial points x - eta g cost a function value. For a descent direction
    and gamma < 1 the loop ends, because f(x - eta g) = f(x) - eta |g|^2 + o(eta).
    """
    x = np.asarray(x, dtype=np.float64)
    g = np.asarray(grad(x), dtype=np.float64)
    fx = float(f(x))
    g_sq = float(g @ g)
    eta = float(eta0)
    while not float(f(x - eta * g)) <= fx - gamma * eta * g_sq:
        eta *= shrink
    return eta


def gd_iterations_convex(L: float, dist0_sq: float, eps: float) -> int:
    """Smallest k >= 1 with L |x0 - x*|^2 / (2 k) <= eps (Theorem 6.1 with t = 1/L)."""
    return max(1, math.ceil(L * dist0_sq / (2.0 * eps)))


def gd_iterations_strongly_convex(m: float, M: float, gap0: float, eps: float) -> int:
    """Smallest k >= 0 with (1 - m/M)^k gap0 <= eps, written as Theorem 3 writes it."""
    if gap0 <= eps:
        return 0
    return max(0, math.ceil(math.log(gap0 / eps) / math.log(1.0 / (1.0 - m / M))))


def newton(grad: VectorField, hess: Callable[[np.ndarray], np.ndarray], x0: np.ndarray, iters: int) -> np.ndarray:
    """Pure Newton steps (step size 1); solves H d = g rather than forming H^-1."""
    x = np.array(x0, dtype=np.float64)
    path = np.empty((iters + 1, x.size), dtype=np.float64)
    path[0] = x
    for k in range(iters):
        H = np.asarray(hess(x), dtype=np.float64)
        g = np.asarray(grad(x), dtype=np.float64)
        x = x - np.linalg.solve(H, g)
        path[k + 1] = x
    return path


def heavy_ball(grad: VectorField, x0: np.ndarray, step: float, beta: float, iters: int) -> np.ndarray:
    """Polyak's heavy ball; x_{-1} = x0, so the first step is a plain gradient step."""
    x = np.array(x0, dtype=np.float64)
    previous = x.copy()
    path = np.empty((iters + 1, x.size), dtype=np.float64)
    path[0] = x
    for k in range(iters):
        x, previous = x - step * np.asarray(grad(x), dtype=np.float64) + beta * (x - previous), x
        path[k + 1] = x
    return path


def heavy_ball_counterexample() -> dict:
    """Lessard, Recht & Packard (2016), section 4.6: heavy ball cycles on a 1-D strongly convex f.

    f' is 25x, x + 24 and 25x - 24 on (-oo, 1), [1, 2), [2, oo): increasing,
    continuous, slope between 1 and 25, zero only at x = 0. With Polyak's
    quadratic-optimal step and momentum (1/9 and 4/9 here) and x0 in about
    [3.07, 3.46], the iterates settle on a 3-cycle instead of reaching 0.
    The integration constants make f itself continuous.
    """
    x = sp.Symbol("x", real=True)
    pieces = [
        (-sp.oo, sp.Integer(1), sp.Rational(25, 2) * x**2),
        (sp.Integer(1), sp.Integer(2), x**2 / 2 + 24 * x - 12),
        (sp.Integer(2), sp.oo, sp.Rational(25, 2) * x**2 - 24 * x + 36),
    ]
    return {"pieces": pieces, "L": 25, "mu": 1, "x0": 3.3}
