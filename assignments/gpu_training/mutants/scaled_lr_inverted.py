"""Learning-rate scaling inverted (base_batch / batch)

The linear scaling rule goes the same way as the batch: a batch k times LARGER takes a learning rate k
times larger, because each step then averages k times as many gradients. Dividing by the ratio shrinks
the rate exactly when it should grow.
"""


def scaled_lr(base_lr, base_batch, batch):
    return base_lr * base_batch / batch
