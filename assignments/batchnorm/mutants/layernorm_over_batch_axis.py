"""Layer norm normalises over the batch axis

Layer norm computes the mean and the variance of each sample (row) over its D
features, axis 1; over axis 0 it is batch norm again and depends on the other
samples in the batch (a batch of one row becomes all beta).
"""
import numpy as np


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    mean, var = x.mean(axis=0), x.var(axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x - mean) * inv_std
    return gamma * xhat + beta, {"xhat": xhat, "gamma": gamma, "inv_std": inv_std}


def layernorm_backward(dout, cache):
    xhat, gamma, inv_std = cache["xhat"], cache["gamma"], cache["inv_std"]
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=0) - xhat * (g * xhat).mean(axis=0))
    return dx, (dout * xhat).sum(axis=0), dout.sum(axis=0)
