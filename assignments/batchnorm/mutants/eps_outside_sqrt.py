"""eps added to the standard deviation instead of the variance

The normalisation divides by sqrt(var + eps): eps goes inside the square root.
Dividing by sqrt(var) + eps instead is almost the same when the variance is
large, but for a feature that barely varies (variance far below eps) it
divides by a tiny number and blows the feature up.
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
        inv_std = 1.0 / (np.sqrt(var) + eps)
        xhat = (x - mean) * inv_std
        count = bn_param.get("num_batches_tracked", 0) + 1
        bn_param["num_batches_tracked"] = count
        w = 1.0 / count if momentum is None else momentum
        bn_param["running_mean"] = (1 - w) * running_mean + w * mean
        bn_param["running_var"] = (1 - w) * running_var + w * var * n / (n - 1)
        return gamma * xhat + beta, {"xhat": xhat, "gamma": gamma, "inv_std": inv_std}
    out = gamma * (x - running_mean) / (np.sqrt(running_var) + eps) + beta
    return out, None


def layernorm_forward(x, gamma, beta, ln_param):
    eps = ln_param.get("eps", 1e-5)
    mean = x.mean(axis=1, keepdims=True)
    inv_std = 1.0 / (x.std(axis=1, keepdims=True) + eps)
    xhat = (x - mean) * inv_std
    return gamma * xhat + beta, {"xhat": xhat, "gamma": gamma, "inv_std": inv_std}
