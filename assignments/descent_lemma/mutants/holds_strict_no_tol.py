"""descent_lemma_holds uses a strict inequality and ignores tol

The bound may hold with equality (a linear f with L = 0, or a quadratic along its top eigenvector),
so "holds" means f(y) <= bound; and rounding errors of size tol are forgiven by testing
f(y) <= bound + tol.
"""
import numpy as np


def descent_lemma_holds(f, grad, L, xs, ys, tol=1e-12):
    xs = np.asarray(xs, dtype=np.float64)
    ys = np.asarray(ys, dtype=np.float64)
    return all(float(f(y)) < descent_lemma_bound(f, grad, x, y, L) for x, y in zip(xs, ys))
