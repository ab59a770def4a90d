"""Batch normalization and layer normalization in numpy.

Implement the four functions below; see handout.md for the maths and the
conventions. Use numpy only (torch, jax and tensorflow are not available to
the grader). All arrays are float64.

Check your work with the public tests:

    autograder check batchnorm batchnorm.py
"""

import numpy as np


def batchnorm_forward(x, gamma, beta, bn_param):
    """Forward pass of batch normalization.

    Inputs:
    - x: (N, D) a minibatch of N samples with D features
    - gamma: (D,) scale, one per feature
    - beta: (D,) shift, one per feature
    - bn_param: dict, changed IN PLACE, with the keys
      - 'mode': 'train' or 'eval' (required)
      - 'eps': added to the variance inside the square root (default 1e-5)
      - 'momentum': weight of the new batch in the running averages (default 0.1);
        None means the cumulative average over all batches seen so far
      - 'running_mean': (D,) created as zeros if missing
      - 'running_var': (D,) created as ones if missing
      - 'num_batches_tracked': number of train-mode calls so far (needed when momentum is None)

    Train mode: normalise each feature with the batch mean and the BIASED batch
    variance (divide by N), then update running_mean with the batch mean and
    running_var with the UNBIASED batch variance (divide by N - 1):
        running = (1 - momentum) * running + momentum * batch_statistic
    Eval mode: normalise with running_mean and running_var; change nothing.

    Returns a tuple (out, cache):
    - out: (N, D)
    - cache: whatever batchnorm_backward needs (your choice; None is fine in eval mode)
    """
    raise NotImplementedError


def batchnorm_backward(dout, cache):
    """Backward pass of batch normalization (train mode).

    Inputs:
    - dout: (N, D) upstream gradient dL/dout
    - cache: the cache returned by batchnorm_forward in train mode

    Returns a tuple (dx, dgamma, dbeta):
    - dx: (N, D) gradient with respect to x (through the batch mean and variance too)
    - dgamma: (D,) gradient with respect to gamma
    - dbeta: (D,) gradient with respect to beta
    """
    raise NotImplementedError


def layernorm_forward(x, gamma, beta, ln_param):
    """Forward pass of layer normalization.

    Inputs:
    - x: (N, D) a minibatch of N samples with D features
    - gamma: (D,) scale, one per feature
    - beta: (D,) shift, one per feature
    - ln_param: dict with optional key 'eps' (default 1e-5); only read

    Each ROW of x is normalised over its own D features (mean and biased
    variance of the row, eps inside the square root), then scaled by gamma and
    shifted by beta. No running statistics; train and eval are the same.

    Returns a tuple (out, cache):
    - out: (N, D)
    - cache: whatever layernorm_backward needs
    """
    raise NotImplementedError


def layernorm_backward(dout, cache):
    """Backward pass of layer normalization.

    Inputs:
    - dout: (N, D) upstream gradient dL/dout
    - cache: the cache returned by layernorm_forward

    Returns a tuple (dx, dgamma, dbeta):
    - dx: (N, D) gradient with respect to x
    - dgamma: (D,) gradient with respect to gamma
    - dbeta: (D,) gradient with respect to beta
    """
    raise NotImplementedError
