"""Running statistics updated in eval mode

Eval mode only reads bn_param. Updating running_mean, running_var (or the
batch counter) on every call, whatever the mode, lets test data leak into the
statistics and makes the output of the same input change from call to call.
"""
import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param.get("mode")
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.1)
    n, d = x.shape
    mean, var = x.mean(axis=0), x.var(axis=0)
    count = bn_param.get("num_batches_tracked", 0) + 1
    bn_param["num_batches_tracked"] = count
    w = 1.0 / count if momentum is None else momentum
    bn_param["running_mean"] = (1 - w) * bn_param.get("running_mean", np.zeros(d)) + w * mean
    bn_param["running_var"] = (1 - w) * bn_param.get("running_var", np.ones(d)) + w * var * n / (n - 1)
    if mode == "train":
        inv_std = 1.0 / np.sqrt(var + eps)
        xhat = (x - mean) * inv_std
        return gamma * xhat + beta, {"xhat": xhat, "gamma": gamma, "inv_std": inv_std}
    out = gamma * (x - bn_param["running_mean"]) / np.sqrt(bn_param["running_var"] + eps) + beta
    return out, None
