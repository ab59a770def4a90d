"""Homework: when does gradient descent converge? (module ``descent.py``)

Implement every function below; see handout.md for the maths. Use numpy
(float64) and, for the last function, sympy. Do not print anything.

Shapes: d is the dimension of the parameter vector, m the number of pairs,
n the number of data rows. Callables ``f``, ``grad`` and ``hess`` take one
point of shape (d,) and return a float, an array (d,) and an array (d, d).
"""

import numpy as np
import sympy as sp


def quadratic_constants(A):
    """Smoothness and strong-convexity constants of 1/2 x^T A x + b^T x.

    Inputs:
    - A: (d, d) symmetric positive semi-definite matrix.

    Returns a tuple (L, mu) of two floats: the largest and the smallest
    eigenvalue of A.
    """
    raise NotImplementedError


def logistic_smoothness(X):
    """Smoothness constant L of the mean logistic loss of assignment 1.

    Inputs:
    - X: (n, d) data matrix.

    Returns a float: lambda_max(X^T X) / (4 n).
    """
    raise NotImplementedError


def descent_lemma_bound(f, grad, x, y, L):
    """Right-hand side of the descent lemma.

    Inputs:
    - f: callable, (d,) -> float.
    - grad: callable, (d,) -> (d,).
    - x, y: (d,) points.
    - L: float.

    Returns a float: f(x) + grad(x) . (y - x) + L/2 ||y - x||^2.
    """
    raise NotImplementedError


def descent_lemma_holds(f, grad, L, xs, ys, tol=1e-12):
    """Does the descent lemma with constant L hold on every given pair?

    Inputs:
    - f, grad: callables as above.
    - L: float.
    - xs, ys: (m, d) arrays; row i of each forms the pair (xs[i], ys[i]).
    - tol: float, absolute slack allowed for rounding.

    Returns a bool: True when f(ys[i]) <= bound(xs[i], ys[i]) + tol for all i.
    """
    raise NotImplementedError


def gradient_descent(grad, x0, step, iters):
    """Gradient descent with a fixed step size.

    Inputs:
    - grad: callable, (d,) -> (d,).
    - x0: (d,) starting point (must not be modified).
    - step: float.
    - iters: int, number of steps.

    Returns an array (iters + 1, d): row k is x_k, row 0 is x0.
    """
    raise NotImplementedError


def armijo_step(f, grad, x, eta0=1.0, gamma=0.5, shrink=0.5):
    """Backtracking line search with the Armijo condition.

    Inputs:
    - f, grad: callables as above; call grad once only.
    - x: (d,) current point.
    - eta0: float, first step size tried.
    - gamma: float in (0, 1), sufficient-decrease fraction.
    - shrink: float in (0, 1), factor applied after each rejected trial.

    Returns a float: the first eta among eta0, eta0*shrink, eta0*shrink^2, ...
    with f(x - eta g) <= f(x) - gamma * eta * ||g||^2, where g = grad(x).
    """
    raise NotImplementedError


def gd_iterations_convex(L, dist0_sq, eps):
    """Iterations that Theorem 6.1 (step 1/L) guarantees are enough.

    Inputs: floats L > 0, dist0_sq = ||x0 - x*||^2 >= 0, eps > 0.

    Returns an int: the smallest k >= 1 with L * dist0_sq / (2 k) <= eps.
    """
    raise NotImplementedError


def gd_iterations_strongly_convex(m, M, gap0, eps):
    """Iterations that Theorem 3 guarantees are enough.

    Inputs: floats 0 < m < M, gap0 = f(x0) - f* >= 0, eps > 0.

    Returns an int: the smallest k >= 0 with
    k >= log(gap0 / eps) / log(1 / (1 - m / M)); 0 when gap0 <= eps.
    """
    raise NotImplementedError


def newton(grad, hess, x0, iters):
    """Newton's method with unit step.

    Inputs:
    - grad: callable, (d,) -> (d,).
    - hess: callable, (d,) -> (d, d).
    - x0: (d,) starting point (must not be modified).
    - iters: int.

    Returns an array (iters + 1, d) of iterates x <- x - hess(x)^-1 grad(x),
    row 0 is x0.
    """
    raise NotImplementedError


def heavy_ball(grad, x0, step, beta, iters):
    """Polyak's heavy-ball method.

    Inputs:
    - grad: callable, (d,) -> (d,).
    - x0: (d,) starting point (must not be modified).
    - step, beta: floats.
    - iters: int.

    Returns an array (iters + 1, d) of iterates
    x_{k+1} = x_k - step * grad(x_k) + beta * (x_k - x_{k-1}), with
    x_{-1} = x0; row 0 is x0.
    """
    raise NotImplementedError


def heavy_ball_counterexample():
    """A 1-D function on which tuned heavy ball does not converge.

    Returns a dict with keys
    - "pieces": list of (lo, hi, expr); expr a sympy expression in the
      Symbol named "x", valid on [lo, hi]; lo/hi numbers or -sp.oo/sp.oo;
      together the pieces cover the real line, in increasing order.
    - "L", "mu": numbers with mu <= f''(x) <= L on every piece, mu > 0.
    - "x0": the starting point (a number).
    """
    raise NotImplementedError
