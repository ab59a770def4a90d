"""numerical gradient leaves x modified

After evaluating f at x + h and x - h the entry has to be put back to its
original value; otherwise later entries are differentiated at a shifted
point and the caller gets back a changed array.
"""
import numpy as np


def numerical_gradient_array(f, x, dout, h=1e-5):
    grad = np.zeros_like(x, dtype=np.float64)
    for ix in np.ndindex(x.shape):
        old = x[ix]
        x[ix] = old + h
        plus = np.array(f(x), dtype=np.float64, copy=True)
        x[ix] = old - h
        minus = np.array(f(x), dtype=np.float64, copy=True)
        grad[ix] = np.sum((plus - minus) * dout) / (2.0 * h)
    return grad
