"""log_loss takes the log of a rounded probability

Computing sigmoid(m) first and then its logarithm fails at large margins:
sigmoid(1000) rounds to exactly 1.0, so log(1 - p) is -inf and 0 * -inf is
nan. Rewrite -log sigmoid(m) and -log(1 - sigmoid(m)) directly in terms of
the margin m as log(1 + e^t) and evaluate that stably (log-sum-exp).
"""
import numpy as np


def log_loss(beta, X, y):
    p = sigmoid(X @ beta)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
