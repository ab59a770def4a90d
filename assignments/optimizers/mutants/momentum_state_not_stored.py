"""Momentum: the new velocity is not stored in config

The velocity has to survive to the next call, and the only place it can live is the config dict. Computing
the new velocity in a local variable (v = ... rebinds the name, it does not change the array in config)
without writing it back into config['velocity'] makes every call start again from zero velocity, so
momentum never builds up.
"""
import numpy as np


def sgd_momentum(w, dw, config=None):
    config = _with_defaults(config, lr=1e-2, momentum=0.9)
    v = config.get("velocity", np.zeros_like(w, dtype=np.float64))
    v = config["momentum"] * v + dw
    return w - config["lr"] * v, config
