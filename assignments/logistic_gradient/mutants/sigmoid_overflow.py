"""sigmoid overflows for large z

Writing the sigmoid as e^z / (1 + e^z) takes the exponential of a large
positive number: e^1000 is inf in float64, and inf / inf is nan. Only ever
exponentiate a non-positive number, choosing between the two equivalent
forms of the sigmoid by the sign of z.
"""
import numpy as np


def sigmoid(z):
    return np.exp(z) / (1.0 + np.exp(z))
