"""Dropout still drops units in eval mode

At test time dropout is switched off: out = x and the mask is all ones. With inverted dropout the
scaling already happened during training, so eval mode needs no random draws and no rescaling.
"""
import numpy as np


def dropout_forward(x, p, mode, rng):
    mask = (rng.random(x.shape) >= p) / (1.0 - p)
    return x * mask, mask
