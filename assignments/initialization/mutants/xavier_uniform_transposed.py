"""Xavier uniform returns W with shape (fan_out, fan_in)

PyTorch stores nn.Linear.weight as (out_features, in_features) and computes x @ W.T; this assignment
follows the (fan_in, fan_out) layout, where a batch x of shape (N, fan_in) maps to x @ W of shape
(N, fan_out). Check the order of the dimensions you pass as size.
"""
import numpy as np


def xavier_uniform(fan_in, fan_out, rng):
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=(fan_out, fan_in))
