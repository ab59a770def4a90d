"""Xavier uniform with the bound 1 / sqrt(fan_in)

U(-1/sqrt(fan_in), 1/sqrt(fan_in)) is the older heuristic that Glorot & Bengio (2010) showed lets the
variance shrink from layer to layer (it is also what PyTorch's nn.Linear uses by default, which is not
Xavier despite what one slide says). Xavier uniform uses a = sqrt(6 / (fan_in + fan_out)), so that the
variance a^2 / 3 is 2 / (fan_in + fan_out).
"""
import numpy as np


def xavier_uniform(fan_in, fan_out, rng):
    bound = 1.0 / np.sqrt(fan_in)
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))
