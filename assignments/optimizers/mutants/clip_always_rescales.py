"""Clipping: gradients rescaled even below max_norm

Clipping only ever shrinks: when the total norm is already at most max_norm the gradients are returned
unchanged. Applying the factor max_norm / (total_norm + 1e-6) unconditionally blows small gradients up to
norm max_norm.
"""
import numpy as np


def clip_grad_norm(grads, max_norm):
    total_norm = float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads)))
    return [g * (max_norm / (total_norm + 1e-6)) for g in grads], total_norm
