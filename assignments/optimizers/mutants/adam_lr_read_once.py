"""Adam: learning rate read only on the first call

The learning rate must be read from config['lr'] on every call: a schedule changes it between calls, and
the very next update has to use the new value. Copying it into the state when the state is created (or
keeping it anywhere else between calls) freezes the learning rate at its first value.
"""
import numpy as np


def adam(w, dw, config=None):
    config = _with_defaults(config, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
    config.setdefault("step_size", config["lr"])
    direction = _adam_direction(dw, config)
    return w - config["step_size"] * direction, config
