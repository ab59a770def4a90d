"""newton evaluates the Hessian only once, at x0

Reusing hess(x0) for every step gives a "chord" method, which converges only linearly. Newton's
quadratic convergence needs the Hessian at the current iterate: H = hess(x_k) at every step.
"""
import numpy as np


def newton(grad, hess, x0, iters):
    x = np.array(x0, dtype=np.float64)
    H = np.asarray(hess(x), dtype=np.float64)
    path = [x.copy()]
    for _ in range(iters):
        x = x - np.linalg.solve(H, np.asarray(grad(x), dtype=np.float64))
        path.append(x.copy())
    return np.array(path)
