"""Running variance updated with the biased batch variance

The running variance estimates the variance of the whole population of
activations, so each batch contributes its unbiased variance (sum of squared
deviations divided by N - 1). Only the normalisation of the batch itself uses
the biased variance (divided by N). With batches of 4 the two differ by a
factor 4/3.
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
        bn_param["running_mean"] = (1 - w) * running_mean + w * mean
        bn_param["running_var"] = (1 - w) * running_var + w * var
        return gamma * xhat + beta, {"xhat": xhat, "gamma": gamma, "inv_std": inv_std}
    out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    return out, None
