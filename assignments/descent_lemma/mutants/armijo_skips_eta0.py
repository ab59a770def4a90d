"""armijo_step shrinks before the first trial, so eta0 is never tried

Backtracking tests eta0 first and shrinks only after a failed trial. Multiplying by shrink at the
top of the loop skips eta0: when eta0 itself already gives sufficient decrease, the step returned
is eta0 * shrink instead of eta0.
"""
import numpy as np


def armijo_step(f, grad, x, eta0=1.0, gamma=0.5, shrink=0.5):
    x = np.asarray(x, dtype=np.float64)
    g = np.asarray(grad(x), dtype=np.float64)
    fx, g_sq = float(f(x)), float(g @ g)
    eta = float(eta0)
    while True:
        eta *= shrink
        if f(x - eta * g) <= fx - gamma * eta * g_sq:
            return eta
