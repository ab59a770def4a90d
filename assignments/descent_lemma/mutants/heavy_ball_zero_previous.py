"""heavy_ball starts with x_{-1} = 0 instead of x_{-1} = x0

With x_{-1} = 0 the first step already carries a momentum beta * x0 that has nothing to do with the
function. The contract sets x_{-1} = x0, so the first step is a plain gradient step.
"""
import numpy as np


def heavy_ball(grad, x0, step, beta, iters):
    x = np.array(x0, dtype=np.float64)
    previous = np.zeros_like(x)
    path = [x.copy()]
    for _ in range(iters):
        x, previous = x - step * np.asarray(grad(x), dtype=np.float64) + beta * (x - previous), x
        path.append(x.copy())
    return np.array(path)
