"""Reference solution for the `optimizers` assignment (numpy, float64).

Every optimizer has the signature ``name(w, dw, config=None) -> (next_w, config)``:

- ``w``, ``dw``: arrays of the same (any) shape, the parameter and the gradient
  of the loss with respect to it;
- ``config``: a dict of hyperparameters and optimizer state. Missing
  hyperparameters are filled with the defaults, state is created on the first
  call, and the dict is updated in place and returned, so that the caller can
  keep passing the same dict (or the returned one) to the next call.

The update reads ``config['lr']`` on every call, so a learning-rate schedule
that changes it between calls takes effect immediately. ``w`` and ``dw`` are
never modified: ``next_w`` is a new array.

Epsilon goes INSIDE the square root, ``sqrt(G + eps)``, as in the course
slides; PyTorch puts it outside, ``sqrt(G) + eps``. The two agree for
ordinary gradients and differ by orders of magnitude for tiny ones.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Config = dict[str, Any]


def _with_defaults(config: Config | None, **defaults: Any) -> Config:
    """The caller's dict (or a new one) with every missing hyperparameter set.

    The caller's dict is updated in place rather than copied: the contract is
    that the state kept in it survives to the next call whichever of the two
    dicts (the argument or the return value) the caller reuses.
    """
    if config is None:
        config = {}
    for key, value in defaults.items():
        config.setdefault(key, value)
    return config


def sgd(w: np.ndarray, dw: np.ndarray, config: Config | None = None) -> tuple[np.ndarray, Config]:
    """Vanilla gradient descent: ``w - lr * dw``.

    config: lr (default 1e-2). No state.
    """
    config = _with_defaults(config, lr=1e-2)
    next_w = w - config["lr"] * dw
    return next_w, config


def sgd_momentum(w: np.ndarray, dw: np.ndarray, config: Config | None = None) -> tuple[np.ndarray, Config]:
    """Heavy-ball momentum: ``v = momentum * v + dw``; ``w - lr * v``.

    config: lr (1e-2), momentum (0.9); state ``velocity`` (same shape as w,
    zeros at first). The velocity is a sum of past gradients and does NOT
    contain the learning rate, so a changed lr rescales the whole step (the
    PyTorch convention; CS231n folds lr into v instead).
    """
    config = _with_defaults(config, lr=1e-2, momentum=0.9)
    v = config.get("velocity")
    if v is None:
        v = np.zeros_like(w, dtype=np.float64)
    v = config["momentum"] * v + dw
    next_w = w - config["lr"] * v
    config["velocity"] = v
    return next_w, config


def nesterov(w: np.ndarray, dw: np.ndarray, config: Config | None = None) -> tuple[np.ndarray, Config]:
    """Nesterov momentum in the "look-ahead" form used by PyTorch.

    ``v = momentum * v + dw``; ``w - lr * (dw + momentum * v)``: the step uses
    the gradient plus the momentum-scaled NEW velocity, which is the heavy-ball
    step taken from the extrapolated point, written in terms of the gradient at
    the current ``w``. config: lr (1e-2), momentum (0.9); state ``velocity``.
    """
    config = _with_defaults(config, lr=1e-2, momentum=0.9)
    v = config.get("velocity")
    if v is None:
        v = np.zeros_like(w, dtype=np.float64)
    v = config["momentum"] * v + dw
    next_w = w - config["lr"] * (dw + config["momentum"] * v)
    config["velocity"] = v
    return next_w, config


def adagrad(w: np.ndarray, dw: np.ndarray, config: Config | None = None) -> tuple[np.ndarray, Config]:
    """AdaGrad: ``G = G + dw**2``; ``w - lr * dw / sqrt(G + eps)`` elementwise.

    config: lr (1e-2), eps (1e-8); state ``cache`` (G, zeros at first).
    """
    config = _with_defaults(config, lr=1e-2, eps=1e-8)
    cache = config.get("cache")
    if cache is None:
        cache = np.zeros_like(w, dtype=np.float64)
    cache = cache + dw * dw
    next_w = w - config["lr"] * dw / np.sqrt(cache + config["eps"])
    config["cache"] = cache
    return next_w, config


def rmsprop(w: np.ndarray, dw: np.ndarray, config: Config | None = None) -> tuple[np.ndarray, Config]:
    """RMSProp: ``G = decay * G + (1 - decay) * dw**2``; ``w - lr * dw / sqrt(G + eps)``.

    The decay multiplies the OLD average; the new squared gradient gets the
    small weight 1 - decay. config: lr (1e-2), decay_rate (0.99), eps (1e-8);
    state ``cache``.
    """
    config = _with_defaults(config, lr=1e-2, decay_rate=0.99, eps=1e-8)
    cache = config.get("cache")
    if cache is None:
        cache = np.zeros_like(w, dtype=np.float64)
    decay = config["decay_rate"]
    cache = decay * cache + (1.0 - decay) * dw * dw
    next_w = w - config["lr"] * dw / np.sqrt(cache + config["eps"])
    config["cache"] = cache
    return next_w, config


def _adam_direction(dw: np.ndarray, config: Config) -> np.ndarray:
    """Advances Adam's state by one step and returns ``m_hat / sqrt(v_hat + eps)``.

    ``t`` counts the updates made so far: it is incremented BEFORE the bias
    corrections, so the first update uses t = 1 (with t = 0, 1 - beta**t = 0).
    """
    m = config.get("m")
    v = config.get("v")
    if m is None:
        m = np.zeros_like(dw, dtype=np.float64)
    if v is None:
        v = np.zeros_like(dw, dtype=np.float64)
    t = config.get("t", 0) + 1
    beta1, beta2 = config["beta1"], config["beta2"]
    m = beta1 * m + (1.0 - beta1) * dw
    v = beta2 * v + (1.0 - beta2) * dw * dw
    m_hat = m / (1.0 - beta1**t)
    v_hat = v / (1.0 - beta2**t)
    config["m"], config["v"], config["t"] = m, v, t
    return m_hat / np.sqrt(v_hat + config["eps"])


def adam(w: np.ndarray, dw: np.ndarray, config: Config | None = None) -> tuple[np.ndarray, Config]:
    """Adam with bias correction: ``w - lr * m_hat / sqrt(v_hat + eps)``.

    config: lr (1e-3), beta1 (0.9), beta2 (0.999), eps (1e-8); state ``m``,
    ``v`` (moving averages of dw and dw**2) and ``t`` (number of updates).
    """
    config = _with_defaults(config, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
    direction = _adam_direction(dw, config)
    next_w = w - config["lr"] * direction
    return next_w, config


def adamw(w: np.ndarray, dw: np.ndarray, config: Config | None = None) -> tuple[np.ndarray, Config]:
    """AdamW: Adam plus decoupled weight decay, ``w - lr * (m_hat / sqrt(v_hat + eps) + wd * w)``.

    The decay acts on the weights directly and never enters m or v (adding
    ``wd * w`` to the gradient instead is L2 regularisation, which Adam's
    per-coordinate scaling distorts). config: as adam plus weight_decay (1e-2).
    """
    config = _with_defaults(config, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=1e-2)
    direction = _adam_direction(dw, config)
    next_w = w - config["lr"] * (direction + config["weight_decay"] * w)
    return next_w, config


def clip_grad_norm(grads: list[np.ndarray], max_norm: float) -> tuple[list[np.ndarray], float]:
    """Rescales a list of gradients so that their global L2 norm is at most ``max_norm``.

    ``total_norm`` is the norm of all entries of all arrays together (as if
    concatenated), not a per-array norm, so the direction of the whole update
    is kept. When ``total_norm > max_norm`` every array is multiplied by
    ``max_norm / (total_norm + 1e-6)``; otherwise the gradients are returned
    unchanged. Returns new arrays (the inputs are not modified) and
    ``total_norm`` (before clipping) as a float.
    """
    total_norm = float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads)))
    if total_norm > max_norm:
        scale = max_norm / (total_norm + 1e-6)
        return [g * scale for g in grads], total_norm
    return [np.array(g, dtype=np.float64, copy=True) for g in grads], total_norm
