"""A student who forgot to average the gradient over the n rows (a loop instead of a mean)."""
import numpy as np
import sympy as sp


def sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def log_loss(beta, X, y):
    m = X @ beta
    per = np.maximum(m, 0) + np.log1p(np.exp(-np.abs(m))) - y * m
    return float(per.sum() / len(y))


def gradient(beta, X, y):
    p = sigmoid(X @ beta)
    total = np.zeros(X.shape[1])
    for i in range(X.shape[0]):
        total += (p[i] - y[i]) * X[i]
    return total


def hessian(beta, X, y):
    p = sigmoid(X @ beta)
    return X.T @ np.diag(p * (1 - p)) @ X / X.shape[0]


def numerical_gradient(f, x, h=1e-6):
    g = np.zeros(x.shape)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        fp = f(x)
        x[ix] = old - h
        fm = f(x)
        x[ix] = old
        g[ix] = (fp - fm) / (2 * h)
        it.iternext()
    return g


def fit(X, y, lr, iters):
    beta = np.zeros(X.shape[1])
    k = 0
    while k < iters:
        beta -= lr * gradient(beta, X, y)
        k += 1
    return beta


def gradient_symbolic():
    x, y, b = sp.symbols("x y b", real=True)
    return x * (sp.exp(x * b) / (1 + sp.exp(x * b)) - y)
