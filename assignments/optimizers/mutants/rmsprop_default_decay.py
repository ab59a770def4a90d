"""RMSProp: wrong default decay_rate

When config does not give decay_rate, the handout's default is 0.99 (PyTorch's default too); 0.9 is the
value of Hinton's lecture notes and of Keras. Check every default of the handout's table, and fill in only
the hyperparameters that are missing from config.
"""
import numpy as np


def rmsprop(w, dw, config=None):
    config = _with_defaults(config, lr=1e-2, decay_rate=0.9, eps=1e-8)
    cache = config.get("cache")
    if cache is None:
        cache = np.zeros_like(w, dtype=np.float64)
    cache = config["decay_rate"] * cache + (1.0 - config["decay_rate"]) * dw * dw
    config["cache"] = cache
    return w - config["lr"] * dw / np.sqrt(cache + config["eps"]), config
