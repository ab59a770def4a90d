"""momentum=None treated as the default momentum

bn_param['momentum'] = None asks for the cumulative average of the slides: the
n-th batch gets the weight 1/n (n counted in bn_param['num_batches_tracked']),
so the running statistics are the plain average over all batches seen. It is
not the same as the exponential average with momentum 0.1.
"""
import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    mode = bn_param.get("mode")
    eps = bn_param.get("eps", 1e-5)
    momentum = bn_param.get("momentum") or 0.1
    n, d = x.shape
    running_mean = bn_param.setdefault("running_mean", np.zeros(d))
    running_var = bn_param.setdefault("running_var", np.ones(d))
    if mode == "train":
        mean, var = x.mean(axis=0), x.var(axis=0)
        inv_std = 1.0 / np.sqrt(var + eps)
        xhat = (x - mean) * inv_std
        bn_param["running_mean"] = (1 - momentum) * running_mean + momentum * mean
        bn_param["running_var"] = (1 - momentum) * running_var + momentum * var * n / (n - 1)
        return gamma * xhat + beta, {"xhat": xhat, "gamma": gamma, "inv_std": inv_std}
    out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
    return out, None
