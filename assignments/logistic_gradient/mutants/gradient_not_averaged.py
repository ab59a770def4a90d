"""gradient not divided by n

The loss is a mean over the n rows of X, so its gradient is the mean of the
per-sample gradients (p_i - y_i) x_i too. Summing them without dividing by
n gives a vector n times too long.
"""


def gradient(beta, X, y):
    return X.T @ (sigmoid(X @ beta) - y)
