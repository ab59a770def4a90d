"""activation_stds measures the pre-activations

The std to record is that of the activations, act(h @ W), after the nonlinearity: that is what the
next layer receives. Measuring z = h @ W before applying the activation gives the pre-activation
spread, which for ReLU is about sqrt(2) times larger than the spread after it.
"""
import numpy as np


def activation_stds(init_fn, widths, activation, X, rng):
    act = {"relu": lambda z: np.maximum(z, 0.0), "tanh": np.tanh, "linear": lambda z: z}[activation]
    h = np.asarray(X, dtype=np.float64)
    stds = []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        z = h @ init_fn(fan_in, fan_out, rng)
        stds.append(float(np.std(z)))
        h = act(z)
    return stds
