"""log_loss overflows in log(1 + exp(m))

The formula log(1 + e^m) - y m is right, but e^1000 is inf in float64, so
the loss becomes inf at large margins. For large m, log(1 + e^m) is m plus a
tiny correction: use a log-sum-exp form (such as np.logaddexp) that never
exponentiates a large positive number.
"""
import numpy as np


def log_loss(beta, X, y):
    m = X @ beta
    return float(np.mean(np.log(1 + np.exp(m)) - y * m))
