"""newton multiplies the gradient by the Hessian instead of solving with it

The Newton direction is H^-1 g, the solution d of H d = g (np.linalg.solve(H, g)); H @ g stretches
the gradient along the steep directions instead of undoing that stretch.
"""
import numpy as np


def newton(grad, hess, x0, iters):
    x = np.array(x0, dtype=np.float64)
    path = [x.copy()]
    for _ in range(iters):
        x = x - np.asarray(hess(x), dtype=np.float64) @ np.asarray(grad(x), dtype=np.float64)
        path.append(x.copy())
    return np.array(path)
