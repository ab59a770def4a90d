"""activation_stds uses the unbiased std (ddof=1)

The contract asks for the population standard deviation over all entries, np.std(h) with its default
ddof=0. Dividing by (number of entries - 1) instead, as torch.std does by default, gives slightly
larger values.
"""
import numpy as np


def activation_stds(init_fn, widths, activation, X, rng):
    act = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z}[activation]
    h = np.asarray(X, dtype=np.float64)
    stds = []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        h = act(h @ init_fn(fan_in, fan_out, rng))
        stds.append(float(np.std(h, ddof=1)))
    return stds
