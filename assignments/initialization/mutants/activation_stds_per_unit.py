"""activation_stds averages the per-unit stds

The contract asks for one std over all N * width entries of a layer's activations (np.std(h) with no
axis). The mean over units of each column's std (np.std(h, axis=0).mean()) is a different quantity: it
ignores how the units' means differ from each other.
"""
import numpy as np


def activation_stds(init_fn, widths, activation, X, rng):
    act = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z}[activation]
    h = np.asarray(X, dtype=np.float64)
    stds = []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        h = act(h @ init_fn(fan_in, fan_out, rng))
        stds.append(float(np.std(h, axis=0).mean()))
    return stds
