"""Nesterov: the step is the plain momentum step

Nesterov momentum looks ahead: the step is lr * (dw + momentum * v) with the NEW velocity, not lr * v.
Stepping by lr * v alone is ordinary heavy-ball momentum, and the look-ahead correction that distinguishes
Nesterov's method is lost.
"""
import numpy as np


def nesterov(w, dw, config=None):
    config = _with_defaults(config, lr=1e-2, momentum=0.9)
    v = config.get("velocity")
    if v is None:
        v = np.zeros_like(w, dtype=np.float64)
    v = config["momentum"] * v + dw
    config["velocity"] = v
    return w - config["lr"] * v, config
