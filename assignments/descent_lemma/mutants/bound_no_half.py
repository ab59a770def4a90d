"""descent lemma bound uses L ||y - x||^2 instead of L/2 ||y - x||^2

The quadratic term of the descent lemma comes from integrating the gradient's Lipschitz bound along
the segment from x to y: the integral of L t ||y - x||^2 for t from 0 to 1 is L/2 ||y - x||^2.
"""
import numpy as np


def descent_lemma_bound(f, grad, x, y, L):
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    step = y - x
    return float(f(x) + np.asarray(grad(x)) @ step + L * (step @ step))
