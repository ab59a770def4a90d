"""A submission that does not parse: it scores zero with the error shown."""
import numpy as np

def sigmoid(z)
    return 1 / (1 + np.exp(-z))
