"""Batch ratio computed with integer division

batch // base_batch rounds the ratio down to an integer: a batch 1.5 times larger keeps the old rate and
a smaller batch gives a learning rate of 0. The ratio batch / base_batch is a real number; use true
division.
"""


def scaled_lr(base_lr, base_batch, batch):
    return base_lr * (batch // base_batch)
