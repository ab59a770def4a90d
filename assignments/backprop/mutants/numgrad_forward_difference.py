"""numerical gradient with forward differences

(f(x + h) - f(x)) / h has an error proportional to h; the central difference
(f(x + h) - f(x - h)) / (2h) has an error proportional to h^2, which is what
gradient checking relies on.
"""
import numpy as np


def numerical_gradient_array(f, x, dout, h=1e-5):
    grad = np.zeros_like(x, dtype=np.float64)
    base = np.array(f(x), dtype=np.float64, copy=True)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        plus = np.array(f(x), dtype=np.float64, copy=True)
        x[ix] = old
        grad[ix] = np.sum((plus - base) * dout) / h
    return grad
