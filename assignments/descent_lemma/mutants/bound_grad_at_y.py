"""descent lemma bound takes the gradient at y instead of at x

The bound is the first-order Taylor model of f AROUND x plus a quadratic term: f(x) + grad f(x) . (y - x)
+ L/2 ||y - x||^2. Both f and its gradient are evaluated at the expansion point x.
"""
import numpy as np


def descent_lemma_bound(f, grad, x, y, L):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    step = y - x
    return float(f(x) + np.asarray(grad(y)) @ step + 0.5 * L * (step @ step))
