"""Dropout without the 1 / (1 - p) scaling (vanilla dropout)

With a mask of 0s and 1s the expected output during training is (1 - p) x, so the network sees a
smaller signal than at test time. Inverted dropout divides the kept units by 1 - p during training
(mask values 0 or 1 / (1 - p)), which keeps E[out] = x and leaves eval mode untouched.
"""
import numpy as np


def dropout_forward(x, p, mode, rng):
    if mode == "eval":
        return x.copy(), np.ones_like(x, dtype=np.float64)
    mask = (rng.random(x.shape) >= p).astype(np.float64)
    return x * mask, mask
