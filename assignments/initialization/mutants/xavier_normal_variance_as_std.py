"""Xavier normal passes the variance where the standard deviation goes

N(0, 2 / (fan_in + fan_out)) names a variance, but rng.normal(loc, scale) takes the standard deviation
as scale. Passing 2 / (fan_in + fan_out) itself gives weights far too small (their variance is the
square of the intended one); take the square root first.
"""
import numpy as np


def xavier_normal(fan_in, fan_out, rng):
    return rng.normal(0.0, 2.0 / (fan_in + fan_out), size=(fan_in, fan_out))
