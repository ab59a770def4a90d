"""activation_stds also records the std of the input X

The list has one entry per layer, len(widths) - 1 of them: the std after layer 1, after layer 2, ...
The input X is not the output of a layer, so its std is not part of the result.
"""
import numpy as np


def activation_stds(init_fn, widths, activation, X, rng):
    act = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z}[activation]
    h = np.asarray(X, dtype=np.float64)
    stds = [float(np.std(h))]
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        h = act(h @ init_fn(fan_in, fan_out, rng))
        stds.append(float(np.std(h)))
    return stds
