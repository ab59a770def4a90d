"""Backpropagation by hand: fill in every function below (numpy only).

Each layer is a pair: ``*_forward`` returns ``(out, cache)``; ``*_backward``
receives the upstream gradient ``dout`` (same shape as ``out``) and the cache
that YOUR forward function returned, and returns the gradient(s) of the loss
with respect to the forward inputs. What you put in a cache is up to you.

Arrays are float64 and batch-first: ``x`` is ``(N, D_in)``, ``W`` is
``(D_in, D_out)``, ``b`` is ``(D_out,)``. Do not import torch, jax,
tensorflow, autograd, mxnet or paddle: a submission that does scores 0.

Check your work with:  autograder check backprop layers.py
"""

import numpy as np


def linear_forward(x, W, b):
    """Affine layer: out = x W + b.

    Inputs:
    - x: (N, D_in)
    - W: (D_in, D_out)
    - b: (D_out,)

    Returns a tuple (out, cache):
    - out: (N, D_out)
    - cache: whatever linear_backward needs
    """
    raise NotImplementedError


def linear_backward(dout, cache):
    """Backward pass of the affine layer.

    Inputs:
    - dout: (N, D_out), gradient of the loss with respect to out
    - cache: what linear_forward returned

    Returns a tuple (dx, dW, db):
    - dx: (N, D_in)
    - dW: (D_in, D_out)
    - db: (D_out,)
    """
    raise NotImplementedError


def relu_forward(x):
    """ReLU: out = max(0, x) elementwise.

    Input x: any shape. Returns a tuple (out, cache), out with the shape of x.
    """
    raise NotImplementedError


def relu_backward(dout, cache):
    """Backward pass of ReLU.

    Inputs: dout (shape of x), cache from relu_forward.
    Returns dx (shape of x). The derivative is 1 where x > 0 and 0 where x <= 0
    (0 at exactly x == 0).
    """
    raise NotImplementedError


def leaky_relu_forward(x, alpha=0.01):
    """Leaky ReLU: out = x where x > 0, alpha * x where x <= 0.

    Inputs: x (any shape), alpha (float). Returns a tuple (out, cache).
    """
    raise NotImplementedError


def leaky_relu_backward(dout, cache):
    """Backward pass of leaky ReLU.

    Inputs: dout (shape of x), cache from leaky_relu_forward.
    Returns dx (shape of x). The derivative is 1 where x > 0 and alpha where
    x <= 0 (alpha at exactly x == 0), with the alpha given to the forward pass.
    """
    raise NotImplementedError


def sigmoid_forward(x):
    """Logistic sigmoid 1 / (1 + exp(-x)) elementwise.

    Input x: any shape, entries up to |x| = 1e4 (no nan, no inf).
    Returns a tuple (out, cache), out with the shape of x.
    """
    raise NotImplementedError


def sigmoid_backward(dout, cache):
    """Backward pass of the sigmoid.

    Inputs: dout (shape of x), cache from sigmoid_forward.
    Returns dx (shape of x).
    """
    raise NotImplementedError


def softmax_cross_entropy(logits, y):
    """Mean softmax cross-entropy loss and its gradient.

    Inputs:
    - logits: (N, C) scores, entries up to |logits| = 1e4
    - y: (N,) integer labels in 0..C-1

    Returns a tuple (loss, dlogits):
    - loss: float, the MEAN over the N rows of -log softmax(logits[n])[y[n]]
    - dlogits: (N, C), gradient of loss with respect to logits
    """
    raise NotImplementedError


def mlp_loss_and_grads(params, X, y):
    """Two-hidden-layer MLP: linear -> ReLU -> linear -> ReLU -> linear -> softmax cross-entropy.

    Inputs:
    - params: dict with W1 (D, H1), b1 (H1,), W2 (H1, H2), b2 (H2,), W3 (H2, C), b3 (C,);
      do not modify it
    - X: (N, D)
    - y: (N,) integer labels in 0..C-1

    Returns a tuple (loss, grads):
    - loss: float, the mean cross-entropy
    - grads: dict with the same keys as params, grads[k] of the shape of params[k]
    """
    raise NotImplementedError


def numerical_gradient_array(f, x, dout, h=1e-5):
    """Central-difference estimate of the gradient of sum(f(x) * dout) with respect to x.

    Inputs:
    - f: a function taking an array of the shape of x and returning an array
      of the shape of dout
    - x: array of any shape (float64); it must be unchanged when you return
    - dout: array of the shape of f(x), the upstream gradient
    - h: step size

    Returns grad, an array of the shape of x.
    """
    raise NotImplementedError
