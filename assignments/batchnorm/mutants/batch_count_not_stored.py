"""Batch counter not kept in bn_param

With momentum=None the weight of a batch is 1/n, where n counts the
train-mode calls so far. The count has to live in
bn_param['num_batches_tracked'] and grow by one per train-mode call; a count
computed afresh on every call is always 1, and each batch then simply
replaces the running statistics instead of being averaged with the others.
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
        count = 1
        w = 1.0 / count if momentum is None else momentum
        bn_param["running_mean"] = (1 - w) * running_mean + w * mean
        bn_param["running_var"] = (1 - w) * running_var + w * var * n / (n - 1)
        return gamma * xhat + beta, {"xhat": xhat, "gamma": gamma, "inv_std": inv_std}
    out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    return out, None
