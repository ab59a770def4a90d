"""leaky ReLU backward ignores the alpha given to the forward pass

The backward pass must use the same slope alpha that leaky_relu_forward was
called with, not the default 0.01: keep it in the cache.
"""
import numpy as np


def leaky_relu_backward(dout, cache):
    x, _ = cache
    return dout * np.where(x > 0, 1.0, 0.01)
