"""gradient_descent updates the caller's x0 in place

np.asarray(x0) returns the caller's own array when it is already float64, so x -= step * g changes
x0 outside the function. Start from a copy (np.array(x0, dtype=float)).
"""
import numpy as np


def gradient_descent(grad, x0, step, iters):
    x = np.asarray(x0, dtype=np.float64)
    path = [x.copy()]
    for _ in range(iters):
        x -= step * np.asarray(grad(x), dtype=np.float64)
        path.append(x.copy())
    return np.array(path)
