"""armijo_step re-evaluates grad(x) at every trial step

x does not move during the line search, so g = grad(x) (and f(x)) stay the same: compute them once
before the loop. Each trial only needs f at the trial point x - eta g. Gradients are the expensive
part of an objective, and the contract asks for one gradient evaluation per call.
"""
import numpy as np


def armijo_step(f, grad, x, eta0=1.0, gamma=0.5, shrink=0.5):
    x = np.asarray(x, dtype=np.float64)
    eta = float(eta0)
    while True:
        g = np.asarray(grad(x), dtype=np.float64)
        if f(x - eta * g) <= f(x) - gamma * eta * float(g @ g):
            return eta
        eta *= shrink
