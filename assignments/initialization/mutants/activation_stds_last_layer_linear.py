"""activation_stds leaves the last layer without its activation

In a classifier the output layer is often linear, but this function's contract applies the
activation after EVERY layer, the last one included, so that all the recorded stds are comparable.
"""
import numpy as np


def activation_stds(init_fn, widths, activation, X, rng):
    act = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z}[activation]
    h = np.asarray(X, dtype=np.float64)
    stds = []
    layers = list(zip(widths[:-1], widths[1:]))
    for i, (fan_in, fan_out) in enumerate(layers):
        h = h @ init_fn(fan_in, fan_out, rng)
        if i < len(layers) - 1:
            h = act(h)
        stds.append(float(np.std(h)))
    return stds
