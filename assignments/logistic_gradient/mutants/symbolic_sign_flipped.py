"""gradient_symbolic has the wrong sign

The loss is the negative log-likelihood, so its derivative is
x (s(xb) - y); x (y - s(xb)) is the derivative of the log-likelihood.
"""
import sympy as sp


def gradient_symbolic():
    x, y, b = sp.symbols("x y b", real=True)
    return x * (y - 1 / (1 + sp.exp(-x * b)))
