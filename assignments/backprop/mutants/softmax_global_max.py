"""softmax shifted by the maximum of the whole array, not of each row

Subtracting one number from a whole row leaves that row's softmax unchanged,
but it has to be that row's own maximum: with the global maximum, a row
whose logits are all far below it underflows to exp(...) = 0 everywhere and
its probabilities become 0 / 0.
"""
import numpy as np


@np.errstate(all="ignore")
def softmax_cross_entropy(logits, y):
    n = logits.shape[0]
    shifted = logits - logits.max()
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(n)
    loss = float(-log_probs[rows, y].mean())
    dlogits = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    dlogits[rows, y] -= 1.0
    return loss, dlogits / n
