"""gradient_symbolic misses the inner derivative

The sigmoid is applied to x b, so the chain rule multiplies by
d(x b)/db = x. Without that factor you have the derivative with respect to
the margin, not with respect to b.
"""
import sympy as sp


def gradient_symbolic():
    x, y, b = sp.symbols("x y b", real=True)
    return 1 / (1 + sp.exp(-x * b)) - y
