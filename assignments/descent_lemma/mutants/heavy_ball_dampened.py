"""heavy_ball averages the gradients with weights (1 - beta)

v = beta v + (1 - beta) g is an exponential moving average (the form used by Adam's first moment);
it shrinks every gradient step by (1 - beta). Heavy ball adds the full step: x_{k+1} = x_k - step
grad(x_k) + beta (x_k - x_{k-1}).
"""
import numpy as np


def heavy_ball(grad, x0, step, beta, iters):
    x = np.array(x0, dtype=np.float64)
    velocity = np.zeros_like(x)
    path = [x.copy()]
    for _ in range(iters):
        velocity = beta * velocity + (1.0 - beta) * np.asarray(grad(x), dtype=np.float64)
        x = x - step * velocity
        path.append(x.copy())
    return np.array(path)
