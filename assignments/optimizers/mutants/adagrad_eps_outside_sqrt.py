"""AdaGrad: epsilon outside the square root

This assignment follows the course slides: the denominator is sqrt(G + eps), epsilon INSIDE the root.
PyTorch writes sqrt(G) + eps. For ordinary gradients the two agree closely, but for tiny gradients
(1e-6 and below) sqrt(G + eps) is about sqrt(eps) = 1e-4 while sqrt(G) + eps is about |dw|, and the steps
differ by orders of magnitude.
"""
import numpy as np


def adagrad(w, dw, config=None):
    config = _with_defaults(config, lr=1e-2, eps=1e-8)
    cache = config.get("cache")
    if cache is None:
        cache = np.zeros_like(w, dtype=np.float64)
    cache = cache + dw * dw
    config["cache"] = cache
    return w - config["lr"] * dw / (np.sqrt(cache) + config["eps"]), config
