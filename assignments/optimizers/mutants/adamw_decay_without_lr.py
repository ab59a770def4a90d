"""AdamW: weight decay not multiplied by the learning rate

In this assignment (as in PyTorch's AdamW) the decay term is inside the learning-rate factor:
w - lr * (adam direction + weight_decay * w). Subtracting weight_decay * w on its own shrinks the weights
far more than intended (by weight_decay, not lr * weight_decay, per step).
"""
import numpy as np


def adamw(w, dw, config=None):
    config = _with_defaults(config, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2)
    direction = _adam_direction(dw, config)
    return w - config["lr"] * direction - config["weight_decay"] * w, config
