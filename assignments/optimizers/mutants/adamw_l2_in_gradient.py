"""AdamW: weight decay added to the gradient (L2) instead of decoupled

Adding weight_decay * w to the gradient before the moment estimates is L2 regularisation ("Adam with L2"):
the decay then goes through m and v and is rescaled per coordinate like the gradient. AdamW keeps m and v
built from dw alone and subtracts lr * weight_decay * w directly from the weights, next to the Adam step.
"""
import numpy as np


def adamw(w, dw, config=None):
    config = _with_defaults(config, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2)
    direction = _adam_direction(dw + config["weight_decay"] * w, config)
    return w - config["lr"] * direction, config
