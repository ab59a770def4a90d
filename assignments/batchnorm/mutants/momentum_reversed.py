"""Momentum convention reversed

Here momentum is the weight of the NEW batch, as in PyTorch:
running = (1 - momentum) * running + momentum * batch_statistic. Writing
momentum * running + (1 - momentum) * batch is the other convention (used by
some courses and by Keras); with momentum 0.1 it lets every batch overwrite
90% of the running average.
"""
import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param.get("mode")
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.1)
    n, d = x.shape
    running_mean = bn_param.setdefault("running_mean", np.zeros(d))
    running_var = bn_param.setdefault("running_var", np.ones(d))
    if mode == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
        inv_std = 1.0 / np.sqrt(var + eps)
        xhat = (x - mean) * inv_std
        count = bn_param.get("num_batches_tracked", 0) + 1
        bn_param["num_batches_tracked"] = count
        w = 1.0 / count if momentum is None else momentum
        bn_param["running_mean"] = w * running_mean + (1 - w) * mean
        bn_param["running_var"] = w * running_var + (1 - w) * var * n / (n - 1)
        return gamma * xhat + beta, {"xhat": xhat, "gamma": gamma, "inv_std": inv_std}
    out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    return out, None
