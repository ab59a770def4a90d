"""leaky ReLU derivative taken as 1 at x == 0

The convention is slope 1 only where x > 0 and alpha where x <= 0, so an
input that is exactly 0 gets alpha. Check the comparison you use at 0.
"""
import numpy as np


def leaky_relu_backward(dout, cache):
    x, alpha = cache
    return dout * np.where(x < 0, alpha, 1.0)
