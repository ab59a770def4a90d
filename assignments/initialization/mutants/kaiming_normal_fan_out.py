"""Kaiming normal scaled by fan_out instead of fan_in

He initialization keeps the forward signal's variance constant, and the forward pass sums over the
fan_in inputs of a unit: the variance is 2 / fan_in, where fan_in is the FIRST dimension of W (its
number of rows in the (fan_in, fan_out) layout). Using the number of columns instead is the "fan_out"
mode, which preserves the variance of the gradients instead.
"""
import numpy as np


def kaiming_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, np.sqrt(2.0 / fan_out), size=(fan_in, fan_out))
