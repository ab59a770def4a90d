"""RMSProp: decay rate applied to the new squared gradient

In the moving average G = decay_rate * G + (1 - decay_rate) * dw**2 the decay rate (close to 1) multiplies
the OLD average, and the new squared gradient gets the small weight 1 - decay_rate. Swapping the two
weights makes G follow the latest gradient almost exactly and forget the history.
"""
import numpy as np


def rmsprop(w, dw, config=None):
    config = _with_defaults(config, lr=1e-2, decay_rate=0.99, eps=1e-8)
    cache = config.get("cache")
    if cache is None:
        cache = np.zeros_like(w, dtype=np.float64)
    cache = (1.0 - config["decay_rate"]) * cache + config["decay_rate"] * dw * dw
    config["cache"] = cache
    return w - config["lr"] * dw / np.sqrt(cache + config["eps"]), config
