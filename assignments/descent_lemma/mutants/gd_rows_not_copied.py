"""gradient_descent stores the same array object in every row

Updating x in place (x -= step * g) after appending it to a list makes every stored entry the same
array, so all rows end up equal to the last iterate. Store a copy, or build x_{k+1} as a new array
(x = x - step * g).
"""
import numpy as np


def gradient_descent(grad, x0, step, iters):
    x = np.array(x0, dtype=np.float64)
    path = [x]
    for _ in range(iters):
        x -= step * np.asarray(grad(x), dtype=np.float64)
        path.append(x)
    return np.array(path)
