"""Kaiming normal without the ReLU gain of 2

A ReLU sets about half of its inputs to zero, which halves the second moment of the signal at every
layer. He et al. (2015) compensate with a factor 2 in the variance, 2 / fan_in; variance 1 / fan_in is
the LeCun initialization for linear or tanh-like units, under which a deep ReLU network's activations
shrink by sqrt(2) per layer.
"""
import numpy as np


def kaiming_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(1.0 / fan_in), size=(fan_in, fan_out))
