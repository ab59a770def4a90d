"""descent_lemma_holds answers True when the bound holds for SOME pair

The lemma with constant L must hold for every pair (x, y); a single pair with f(y) > bound + tol
shows that L is too small. Combine the pairs with "all", not "any".
"""
import numpy as np


def descent_lemma_holds(f, grad, L, xs, ys, tol=1e-12):
    xs = np.asarray(xs, dtype=np.float64)
    ys = np.asarray(ys, dtype=np.float64)
    return any(float(f(y)) <= descent_lemma_bound(f, grad, x, y, L) + tol for x, y in zip(xs, ys))
