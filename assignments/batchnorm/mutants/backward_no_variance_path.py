"""Backward pass ignores the path through the batch variance

The batch variance depends on every x_i, so the gradient has a term through
dL/dvar (the slides' first formula) as well as the terms through x_hat and
the mean. Dropping it treats the variance as a constant; the gradient then
misses the part proportional to x_hat times the mean of dL/dx_hat * x_hat.
The same holds per row in layer norm.
"""
import numpy as np


def batchnorm_backward(dout, cache):
    xhat, gamma, inv_std = cache["xhat"], cache["gamma"], cache["inv_std"]
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=0))
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


def layernorm_backward(dout, cache):
    xhat, gamma, inv_std = cache["xhat"], cache["gamma"], cache["inv_std"]
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=1, keepdims=True))
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)
