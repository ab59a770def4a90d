"""numerical_gradient uses forward differences

(f(x + h e_i) - f(x)) / h has an error proportional to h; the central
difference (f(x + h e_i) - f(x - h e_i)) / (2h) cancels that term and is
accurate to order h^2. The contract asks for central differences.
"""
import numpy as np


def numerical_gradient(f, x, h=1e-6):
    point = np.array(x, dtype=np.float64)
    f_x = f(point)
    grad = np.zeros_like(point)
    for index in np.ndindex(point.shape):
        original = point[index]
        point[index] = original + h
        grad[index] = (f(point) - f_x) / h
        point[index] = original
    return grad
