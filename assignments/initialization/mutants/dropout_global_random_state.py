"""Dropout draws its mask from numpy's global random state

np.random.rand / np.random.random use a hidden global generator: the caller's rng is ignored, so
seeding rng does not make the mask reproducible. Draw from the rng argument instead, e.g.
rng.random(x.shape).
"""
import numpy as np


def dropout_forward(x, p, mode, rng):
    if mode == "eval":
        return x.copy(), np.ones_like(x, dtype=np.float64)
    mask = (np.random.random_sample(x.shape) >= p) / (1.0 - p)
    return x * mask, mask
