"""Backward pass ignores the path through the batch mean

The batch mean depends on every x_i, so dx has a term through dL/dmu (the
slides' second formula, divided by the batch size), besides the direct
term and the variance term. Dropping it leaves a dx whose columns no longer
sum to zero.
The same holds per row in layer norm.
"""
import numpy as np


def batchnorm_backward(dout, cache):
    xhat, gamma, inv_std = cache["xhat"], cache["gamma"], cache["inv_std"]
    g = dout * gamma
    dx = inv_std * (g - xhat * (g * xhat).mean(axis=0))
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


def layernorm_backward(dout, cache):
    xhat, gamma, inv_std = cache["xhat"], cache["gamma"], cache["inv_std"]
    g = dout * gamma
    dx = inv_std * (g - xhat * (g * xhat).mean(axis=1, keepdims=True))
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)
