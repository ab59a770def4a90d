"""Reference solution: weight initializers, activation statistics and inverted dropout.

Conventions (fixed by the course contract):
- a weight matrix has shape ``(fan_in, fan_out)`` and a layer computes ``x @ W``
  for a batch ``x`` of shape ``(N, fan_in)`` (PyTorch stores ``nn.Linear.weight``
  the other way round, as ``(fan_out, fan_in)``);
- every random number comes from the ``rng`` argument, a ``np.random.Generator``,
  so a caller who seeds ``rng`` gets reproducible results and nothing touches
  numpy's global random state;
- everything is float64.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

Initializer = Callable[[int, int, np.random.Generator], np.ndarray]


def zeros_init(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """All-zero weights of shape (fan_in, fan_out).

    Kept as a baseline: every unit of a layer then computes the same function
    and receives the same gradient, so the symmetry is never broken. ``rng`` is
    accepted only so that all initializers share one signature.
    """
    return np.zeros((fan_in, fan_out), dtype=np.float64)


def xavier_uniform(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """Glorot & Bengio (2010): U(-a, a) with a = sqrt(6 / (fan_in + fan_out)).

    U(-a, a) has variance a^2 / 3 = 2 / (fan_in + fan_out): the compromise
    between keeping the forward variance (1 / fan_in) and the backward variance
    (1 / fan_out) of a linear or tanh layer.
    """
    bound = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))


def xavier_normal(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """Glorot & Bengio (2010), normal form: N(0, 2 / (fan_in + fan_out)).

    ``rng.normal`` takes the standard deviation, so the variance is square-rooted.
    """
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return rng.normal(0.0, std, size=(fan_in, fan_out))


def kaiming_uniform(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """He et al. (2015) for ReLU, uniform form: U(-a, a) with a = sqrt(6 / fan_in).

    The variance a^2 / 3 = 2 / fan_in makes up for ReLU zeroing half of its
    inputs, so the second moment of the activations stays constant with depth.
    (The slide's bound sqrt(2 / fan_in) would give only 2 / (3 fan_in).)
    """
    bound = np.sqrt(6.0 / fan_in)
    return rng.uniform(-bound, bound, size=(fan_in, fan_out))


def kaiming_normal(fan_in: int, fan_out: int, rng: np.random.Generator) -> np.ndarray:
    """He et al. (2015) for ReLU, normal form: N(0, 2 / fan_in)."""
    std = np.sqrt(2.0 / fan_in)
    return rng.normal(0.0, std, size=(fan_in, fan_out))


_ACTIVATIONS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "relu": lambda z: np.maximum(z, 0.0),
    "tanh": np.tanh,
    "linear": lambda z: z,
}


def activation_stds(init_fn: Initializer, widths: list[int], activation: str, X: np.ndarray,
                    rng: np.random.Generator) -> list[float]:
    """Std of the activations after each layer of a bias-free MLP at initialization.

    X: (N, widths[0]). Layer i computes h_{i+1} = act(h_i @ W_i) with
    W_i = init_fn(widths[i], widths[i+1], rng) of shape (widths[i], widths[i+1]),
    drawn in layer order; the activation follows every layer, the last one
    included. Returns len(widths) - 1 floats: the population std (ddof = 0) of
    all N * widths[i+1] entries of h_{i+1}. The input's own std is not part of
    the list.
    """
    if activation not in _ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(_ACTIVATIONS)}, not {activation!r}")
    act = _ACTIVATIONS[activation]
    h = np.asarray(X, dtype=np.float64)
    stds: list[float] = []
    for fan_in, fan_out in zip(widths[:-1], widths[1:]):
        W = init_fn(fan_in, fan_out, rng)
        h = act(h @ W)
        stds.append(float(np.std(h)))
    return stds


def dropout_forward(x: np.ndarray, p: float, mode: str,
                    rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Inverted dropout. x: any shape; returns (out, mask), both of x's shape.

    'train': each unit is dropped independently with probability p; the kept
    ones are scaled by 1 / (1 - p), so E[out] = x and nothing needs rescaling at
    test time. mask holds the multiplier of each unit (0 or 1 / (1 - p)) and
    out = x * mask. 'eval': the layer is the identity and the mask is all ones.
    """
    if mode == "eval":
        return x.copy(), np.ones_like(x, dtype=np.float64)
    if mode != "train":
        raise ValueError(f"mode must be 'train' or 'eval', not {mode!r}")
    if not 0.0 <= p < 1.0:
        raise ValueError(f"p must be in [0, 1), not {p!r}")
    keep = rng.random(x.shape) >= p  # P(keep) = 1 - p
    mask = keep / (1.0 - p)
    return x * mask, mask


def dropout_backward(dout: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Gradient of out = x * mask with respect to x: dout * mask (mask is a constant)."""
    return dout * mask
