"""loss computed as log of the softmax probabilities (underflow to inf)

When the correct class's logit is far below the largest one, its probability
underflows to exactly 0 and log(0) = -inf. Compute the log-probability
directly: log softmax(z)_k = (z_k - max z) - log sum_j exp(z_j - max z).
"""
import numpy as np


@np.errstate(all="ignore")
def softmax_cross_entropy(logits, y):
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = float(-np.log(probs[rows, y]).mean())
    dlogits = probs.copy()
    dlogits[rows, y] -= 1.0
    return loss, dlogits / n
