"""Clipping: each array clipped by its own norm

Gradient clipping by norm uses ONE global norm, over every entry of every array together, and scales all
arrays by the same factor, so the direction of the whole update is kept. Clipping each array by its own
norm changes that direction and lets the total norm exceed max_norm.
"""
import numpy as np


def clip_grad_norm(grads, max_norm):
    total_norm = float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads)))
    clipped = []
    for g in grads:
        norm = float(np.linalg.norm(g))
        clipped.append(g * (max_norm / (norm + 1e-6)) if norm > max_norm else np.array(g, dtype=np.float64))
    return clipped, total_norm
