"""dL/dvar summed without the factor (x_i - mu)

The slide's formula for dL/dvar drops a factor: the derivative of
u_i = (x_i - mu) / sqrt(var + eps) with respect to var is
-1/2 (x_i - mu) (var + eps)^(-3/2), so dL/dvar sums dL/du_i * (x_i - mu), not
dL/du_i alone. The handout gives the corrected formula.
The same factor belongs in layer norm's backward pass, per row.
"""
import numpy as np


def batchnorm_backward(dout, cache):
    xhat, gamma, inv_std = cache["xhat"], cache["gamma"], cache["inv_std"]
    n = dout.shape[0]
    du = dout * gamma
    centered = xhat / inv_std
    dvar = -0.5 * inv_std**3 * du.sum(axis=0)
    dmu = -inv_std * du.sum(axis=0)
    dx = du * inv_std + dvar * 2 * centered / n + dmu / n
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)


def layernorm_backward(dout, cache):
    xhat, gamma, inv_std = cache["xhat"], cache["gamma"], cache["inv_std"]
    d = dout.shape[1]
    du = dout * gamma
    centered = xhat / inv_std
    dvar = -0.5 * inv_std**3 * du.sum(axis=1, keepdims=True)
    dmu = -inv_std * du.sum(axis=1, keepdims=True)
    dx = du * inv_std + dvar * 2 * centered / d + dmu / d
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)
