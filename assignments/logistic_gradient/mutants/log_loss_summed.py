"""log_loss is a sum, not a mean

The loss is the mean negative log-likelihood over the n rows of X, so the
sum over samples has to be divided by n. With a single row both agree, which
is why this only shows for n > 1.
"""
import numpy as np


def log_loss(beta, X, y):
    m = X @ beta
    return float(np.sum(y * np.logaddexp(0.0, -m) + (1 - y) * np.logaddexp(0.0, m)))
