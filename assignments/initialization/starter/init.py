"""Homework: weight initialization and inverted dropout (numpy only).

Conventions:
- a weight matrix W has shape (fan_in, fan_out); a layer computes x @ W for a
  batch x of shape (N, fan_in);
- every random number comes from the `rng` argument (a np.random.Generator):
  no np.random.rand / randn / seed, no generator of your own;
- return float64 numpy arrays.

Run the public checks with:  autograder check initialization init.py
"""

import numpy as np


def zeros_init(fan_in, fan_out, rng):
    """All-zero weights.

    Inputs:
    - fan_in, fan_out: ints, the number of inputs and outputs of the layer
    - rng: np.random.Generator (not needed here; kept for a common signature)

    Returns:
    - W: float64 array of shape (fan_in, fan_out), all zeros
    """
    raise NotImplementedError


def xavier_uniform(fan_in, fan_out, rng):
    """Glorot/Xavier uniform: W ~ U(-a, a) with a = sqrt(6 / (fan_in + fan_out)).

    Returns:
    - W: float64 array of shape (fan_in, fan_out), drawn from rng
    """
    raise NotImplementedError


def xavier_normal(fan_in, fan_out, rng):
    """Glorot/Xavier normal: W ~ N(0, 2 / (fan_in + fan_out)) (that is the variance).

    Returns:
    - W: float64 array of shape (fan_in, fan_out), drawn from rng
    """
    raise NotImplementedError


def kaiming_uniform(fan_in, fan_out, rng):
    """He/Kaiming uniform: W ~ U(-a, a) with a = sqrt(6 / fan_in), so Var(W) = 2 / fan_in.

    Returns:
    - W: float64 array of shape (fan_in, fan_out), drawn from rng
    """
    raise NotImplementedError


def kaiming_normal(fan_in, fan_out, rng):
    """He/Kaiming normal: W ~ N(0, 2 / fan_in) (that is the variance).

    Returns:
    - W: float64 array of shape (fan_in, fan_out), drawn from rng
    """
    raise NotImplementedError


def activation_stds(init_fn, widths, activation, X, rng):
    """Std of the activations after each layer of a bias-free MLP at initialization.

    Inputs:
    - init_fn: callable init_fn(fan_in, fan_out, rng) -> W of shape (fan_in, fan_out)
    - widths: list of L + 1 ints, the layer sizes; widths[0] == X.shape[1]
    - activation: 'relu', 'tanh' or 'linear', applied after EVERY layer (the last one too)
    - X: array of shape (N, widths[0]), the input batch
    - rng: np.random.Generator, passed on to init_fn

    For i = 0 .. L-1: W = init_fn(widths[i], widths[i+1], rng) (in this order),
    h = activation(h @ W) with h = X at the start (no biases).

    Returns:
    - stds: list of L Python floats; stds[i] is the population std (ddof=0) over
      all N * widths[i+1] entries of h after layer i. X's own std is not included.
    """
    raise NotImplementedError


def dropout_forward(x, p, mode, rng):
    """Inverted dropout.

    Inputs:
    - x: array of any shape
    - p: float in [0, 1), the probability of DROPPING each unit (as torch.nn.Dropout(p))
    - mode: 'train' or 'eval'
    - rng: np.random.Generator; the only source of randomness

    Returns a tuple (out, mask), both of the shape of x:
    - 'train': each unit is dropped independently with probability p;
      mask[j] = 0 if unit j is dropped, 1 / (1 - p) if it is kept; out = x * mask
    - 'eval': out = x and mask is all ones
    x itself is not modified.
    """
    raise NotImplementedError


def dropout_backward(dout, mask):
    """Backward pass of dropout_forward.

    Inputs:
    - dout: upstream gradient, same shape as x
    - mask: the mask returned by dropout_forward

    Returns:
    - dx: gradient with respect to x, same shape as dout
    """
    raise NotImplementedError
