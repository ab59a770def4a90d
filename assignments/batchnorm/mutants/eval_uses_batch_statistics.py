"""Eval mode normalises with the statistics of the batch

At inference time the batch may be a single sample or an unrepresentative
group, so batch norm normalises with the running mean and running variance
accumulated during training (kept in bn_param), never with the mean and
variance of the batch it is given.
"""
import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param.get("mode")
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum", 0.1)
    n, d = x.shape
    running_mean = bn_param.setdefault("running_mean", np.zeros(d))
    running_var = bn_param.setdefault("running_var", np.ones(d))
    mean, var = x.mean(axis=0), x.var(axis=0)
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x - mean) * inv_std
    if mode == "train":
        count = bn_param.get("num_batches_tracked", 0) + 1
        bn_param["num_batches_tracked"] = count
        w = 1.0 / count if momentum is None else momentum
        bn_param["running_mean"] = (1 - w) * running_mean + w * mean
        bn_param["running_var"] = (1 - w) * running_var + w * var * n / (n - 1)
        return gamma * xhat + beta, {"xhat": xhat, "gamma": gamma, "inv_std": inv_std}
    return gamma * xhat + beta, None
