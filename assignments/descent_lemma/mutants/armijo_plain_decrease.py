"""armijo_step only asks for a decrease, not a sufficient decrease

f(x - eta g) < f(x) accepts steps that barely decrease f (the "naive solution" of the lecture). The
Armijo condition asks for a decrease proportional to the step: f(x - eta g) <= f(x) - gamma eta ||g||^2.
"""
import numpy as np


def armijo_step(f, grad, x, eta0=1.0, gamma=0.5, shrink=0.5):
    x = np.asarray(x, dtype=np.float64)
    g = np.asarray(grad(x), dtype=np.float64)
    fx = float(f(x))
    eta = float(eta0)
    while not f(x - eta * g) < fx:
        eta *= shrink
    return eta
