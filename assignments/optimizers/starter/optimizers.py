"""Gradient-descent optimizers and gradient clipping, in numpy.

Every optimizer has the same signature:

    next_w, config = name(w, dw, config=None)

- w:      np.ndarray of any shape (float64), the current parameter.
- dw:     np.ndarray of the same shape, the gradient of the loss at w.
- config: dict or None. Holds the hyperparameters (missing ones take the
          defaults listed in each docstring) and the optimizer's state, which
          you create on the first call under the names given. If config is
          None, start from an empty dict.
- returns (next_w, config): next_w has the shape of w; config is the dict
          holding the updated state. The caller passes that dict back on the
          next call and may change config['lr'] between calls (a schedule).

Epsilon goes INSIDE the square root: sqrt(G + eps) (PyTorch puts it outside).
Do not import torch, jax or tensorflow.
"""

import numpy as np


def sgd(w, dw, config=None):
    """Vanilla SGD: next_w = w - lr * dw.

    w, dw: arrays of the same shape. config: lr (default 1e-2). No state.
    Returns (next_w, config), next_w of the shape of w.
    """
    raise NotImplementedError


def sgd_momentum(w, dw, config=None):
    """SGD with (heavy-ball) momentum.

    v = momentum * v + dw;  next_w = w - lr * v
    w, dw: arrays of the same shape. config: lr (1e-2), momentum (0.9).
    State: config['velocity'], shape of w, zeros before the first call.
    Returns (next_w, config).
    """
    raise NotImplementedError


def nesterov(w, dw, config=None):
    """Nesterov momentum.

    v = momentum * v + dw;  next_w = w - lr * (dw + momentum * v)
    w, dw: arrays of the same shape. config: lr (1e-2), momentum (0.9).
    State: config['velocity'], shape of w, zeros before the first call.
    Returns (next_w, config).
    """
    raise NotImplementedError


def adagrad(w, dw, config=None):
    """AdaGrad.

    G = G + dw**2;  next_w = w - lr * dw / sqrt(G + eps)   (elementwise)
    w, dw: arrays of the same shape. config: lr (1e-2), eps (1e-8).
    State: config['cache'] (G), shape of w, zeros before the first call.
    Returns (next_w, config).
    """
    raise NotImplementedError


def rmsprop(w, dw, config=None):
    """RMSProp.

    G = decay_rate * G + (1 - decay_rate) * dw**2;  next_w = w - lr * dw / sqrt(G + eps)
    w, dw: arrays of the same shape. config: lr (1e-2), decay_rate (0.99), eps (1e-8).
    State: config['cache'] (G), shape of w, zeros before the first call.
    Returns (next_w, config).
    """
    raise NotImplementedError


def adam(w, dw, config=None):
    """Adam with bias correction.

    t = t + 1  (t counts updates; 0 before the first call, incremented BEFORE use)
    m = beta1 * m + (1 - beta1) * dw;      v = beta2 * v + (1 - beta2) * dw**2
    m_hat = m / (1 - beta1**t);            v_hat = v / (1 - beta2**t)
    next_w = w - lr * m_hat / sqrt(v_hat + eps)
    w, dw: arrays of the same shape.
    config: lr (1e-3), beta1 (0.9), beta2 (0.999), eps (1e-8).
    State: config['m'], config['v'] (shape of w, zeros at first), config['t'] (int, 0 at first).
    Returns (next_w, config).
    """
    raise NotImplementedError


def adamw(w, dw, config=None):
    """AdamW: Adam with decoupled weight decay.

    m, v, t, m_hat, v_hat exactly as in adam (from dw alone), then
    next_w = w - lr * (m_hat / sqrt(v_hat + eps) + weight_decay * w)
    w, dw: arrays of the same shape.
    config: lr (1e-3), beta1 (0.9), beta2 (0.999), eps (1e-8), weight_decay (1e-2).
    State: config['m'], config['v'], config['t'] as in adam.
    Returns (next_w, config).
    """
    raise NotImplementedError


def clip_grad_norm(grads, max_norm):
    """Global-norm gradient clipping.

    grads: list of arrays of any shapes. max_norm: float > 0.
    total_norm = sqrt(sum over all arrays of sum(g**2)), the norm of all entries together.
    If total_norm > max_norm, every array is multiplied by max_norm / (total_norm + 1e-6);
    otherwise the arrays are returned unchanged.
    Returns (clipped, total_norm): clipped a list of arrays with the shapes of grads,
    total_norm a float (the norm BEFORE clipping).
    """
    raise NotImplementedError
