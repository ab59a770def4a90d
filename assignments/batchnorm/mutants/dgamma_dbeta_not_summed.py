"""dgamma and dbeta not summed over the batch

gamma and beta are shared by all N rows, so their gradients add up the
contributions of every row: dgamma and dbeta have shape (D,), like gamma and
beta, not (N, D).
"""
import numpy as np


def batchnorm_backward(dout, cache):
    xhat, gamma, inv_std = cache["xhat"], cache["gamma"], cache["inv_std"]
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=0) - xhat * (g * xhat).mean(axis=0))
    return dx, dout * xhat, dout


def layernorm_backward(dout, cache):
    xhat, gamma, inv_std = cache["xhat"], cache["gamma"], cache["inv_std"]
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=1, keepdims=True) - xhat * (g * xhat).mean(axis=1, keepdims=True))
    return dx, dout * xhat, dout
