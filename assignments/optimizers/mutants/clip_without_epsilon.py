"""Clipping: scale factor without the + 1e-6

The handout's scale factor is max_norm / (total_norm + 1e-6). Leaving out the 1e-6 is invisible for large
norms but not for small ones: with a total norm of 1e-3 it changes every clipped gradient by 0.1 %.
"""
import numpy as np


def clip_grad_norm(grads, max_norm):
    total_norm = float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads)))
    if total_norm > max_norm:
        return [g * (max_norm / total_norm) for g in grads], total_norm
    return [np.array(g, dtype=np.float64) for g in grads], total_norm
