"""numerical_gradient leaves x modified

Stepping x[i] to x[i] + h and x[i] - h in place is fine only if x[i] is set
back to its original value before moving on: otherwise later coordinates
are differentiated at a shifted point and the caller gets back a changed x.
Restore each entry, or work on a copy.
"""
import numpy as np


def numerical_gradient(f, x, h=1e-6):
    grad = np.zeros_like(x, dtype=np.float64)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + h
        f_plus = f(x)
        x[index] = original - h
        f_minus = f(x)
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad
