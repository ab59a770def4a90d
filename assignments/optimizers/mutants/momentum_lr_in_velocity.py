"""Momentum: learning rate folded into the velocity

The handout's velocity is a running sum of gradients only, v = momentum * v + dw, and the learning rate
multiplies it when the step is taken. Folding the learning rate into v (the convention of some course notes,
v = momentum * v - lr * dw, then w + v) gives the same steps only while lr never changes: the stored
velocity is different, and after a learning-rate change the old gradients keep their old learning rate.
"""
import numpy as np


def sgd_momentum(w, dw, config=None):
    config = _with_defaults(config, lr=1e-2, momentum=0.9)
    v = config.get("velocity")
    if v is None:
        v = np.zeros_like(w, dtype=np.float64)
    v = config["momentum"] * v - config["lr"] * dw
    config["velocity"] = v
    return w + v, config
