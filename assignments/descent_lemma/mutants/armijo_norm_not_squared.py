"""Armijo condition with ||g|| instead of ||g||^2

The decrease predicted by the linear model along -g is eta * g . g = eta ||g||^2, the SQUARED norm.
With ||g|| the condition is too weak when ||g|| > 1 and too strict (or never met) when ||g|| < 1.
"""
import numpy as np


def armijo_step(f, grad, x, eta0=1.0, gamma=0.5, shrink=0.5):
    x = np.asarray(x, dtype=np.float64)
    g = np.asarray(grad(x), dtype=np.float64)
    fx, g_norm = float(f(x)), float(np.linalg.norm(g))
    eta = float(eta0)
    while not f(x - eta * g) <= fx - gamma * eta * g_norm:
        eta *= shrink
    return eta
