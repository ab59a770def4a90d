"""Reference solution for the ``backprop`` assignment (numpy, float64).

Every layer is a pair of functions: ``*_forward`` returns ``(out, cache)`` and
``*_backward`` takes the upstream gradient ``dout`` (same shape as ``out``)
together with that cache and returns the gradient(s) of the loss with respect
to the forward inputs.  Caches hold exactly what the backward pass needs and
nothing else; their layout is private to this module.

Conventions (fixed by the course API):
- batch first: ``x`` is ``(N, D_in)``, ``W`` is ``(D_in, D_out)``, ``b`` is ``(D_out,)``;
- ReLU's subgradient at 0 is 0, leaky ReLU's is ``alpha`` (both as in PyTorch);
- the cross-entropy loss is the MEAN over the N rows, so its gradient carries 1/N.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

Cache = Any


# --------------------------------------------------------------------------- linear
def linear_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, Cache]:
    """Affine map ``out = x W + b``: x (N, D_in), W (D_in, D_out), b (D_out,) -> out (N, D_out).

    The backward pass needs x (for dW) and W (for dx); b is kept so that the
    cache fully describes the layer.
    """
    out = x @ W + b
    return out, (x, W, b)


def linear_backward(dout: np.ndarray, cache: Cache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients of the affine map: dout (N, D_out) -> dx (N, D_in), dW (D_in, D_out), db (D_out,).

    out[n, j] = sum_i x[n, i] W[i, j] + b[j], so
      dx = dout W^T,  dW = x^T dout  (a sum over the batch),  db = sum over the batch of dout.
    b is broadcast to every row in the forward pass; its gradient therefore
    adds up the contributions of all N rows.
    """
    x, W, _ = cache
    dx = dout @ W.T
    dW = x.T @ dout
    db = dout.sum(axis=0)
    return dx, dW, db


# --------------------------------------------------------------------------- ReLU
def relu_forward(x: np.ndarray) -> tuple[np.ndarray, Cache]:
    """``out = max(0, x)`` elementwise, any shape. The cache is the input x."""
    return np.maximum(x, 0.0), x


def relu_backward(dout: np.ndarray, cache: Cache) -> np.ndarray:
    """Subgradient of ReLU: 1 where x > 0 and 0 where x <= 0 (the choice at x == 0 is 0, as in PyTorch)."""
    x = cache
    return dout * (x > 0)


# --------------------------------------------------------------------------- leaky ReLU
def leaky_relu_forward(x: np.ndarray, alpha: float = 0.01) -> tuple[np.ndarray, Cache]:
    """``out = x`` where x > 0 and ``alpha * x`` elsewhere. The cache keeps alpha for the backward pass."""
    out = np.where(x > 0, x, alpha * x)
    return out, (x, alpha)


def leaky_relu_backward(dout: np.ndarray, cache: Cache) -> np.ndarray:
    """Derivative 1 where x > 0 and alpha where x <= 0 (alpha at exactly 0, as in PyTorch)."""
    x, alpha = cache
    return dout * np.where(x > 0, 1.0, alpha)


# --------------------------------------------------------------------------- sigmoid
def _sigmoid(x: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-x)) without overflow: exp is only ever taken of -|x| <= 0."""
    z = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def sigmoid_forward(x: np.ndarray) -> tuple[np.ndarray, Cache]:
    """Logistic sigmoid elementwise, stable for |x| up to 1e4. The cache is the output s."""
    s = _sigmoid(np.asarray(x, dtype=np.float64))
    return s, s


def sigmoid_backward(dout: np.ndarray, cache: Cache) -> np.ndarray:
    """d sigmoid / dx = s (1 - s), written in terms of the cached output (no second exp)."""
    s = cache
    return dout * s * (1.0 - s)


# --------------------------------------------------------------------------- softmax + cross-entropy
def softmax_cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of the softmax of ``logits`` (N, C) against integer labels y (N,).

    loss = -(1/N) sum_n log softmax(logits[n])[y[n]],  dlogits = (softmax(logits) - onehot(y)) / N.

    Subtracting each row's maximum leaves softmax unchanged and keeps exp() in
    [0, 1]; taking the log through log-sum-exp (not log of the probabilities)
    keeps the loss finite even when a probability underflows to 0.
    """
    n = logits.shape[0]
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    rows = np.arange(n)
    loss = float(-log_probs[rows, y].mean())
    dlogits = np.exp(log_probs)
    dlogits[rows, y] -= 1.0
    dlogits /= n
    return loss, dlogits


# --------------------------------------------------------------------------- two-hidden-layer MLP
def mlp_loss_and_grads(params: dict[str, np.ndarray], X: np.ndarray,
                       y: np.ndarray) -> tuple[float, dict[str, np.ndarray]]:
    """Loss and gradients of linear -> ReLU -> linear -> ReLU -> linear -> softmax cross-entropy.

    params: W1 (D, H1), b1 (H1,), W2 (H1, H2), b2 (H2,), W3 (H2, C), b3 (C,); X (N, D); y (N,) ints.
    Returns the mean loss (float) and a dict with the same keys and shapes as params.
    The backward pass runs the layers in reverse order, each consuming the
    cache its own forward pass produced; params are not modified.
    """
    h1, c1 = linear_forward(X, params["W1"], params["b1"])
    a1, r1 = relu_forward(h1)
    h2, c2 = linear_forward(a1, params["W2"], params["b2"])
    a2, r2 = relu_forward(h2)
    scores, c3 = linear_forward(a2, params["W3"], params["b3"])
    loss, dscores = softmax_cross_entropy(scores, y)

    grads: dict[str, np.ndarray] = {}
    da2, grads["W3"], grads["b3"] = linear_backward(dscores, c3)
    dh2 = relu_backward(da2, r2)
    da1, grads["W2"], grads["b2"] = linear_backward(dh2, c2)
    dh1 = relu_backward(da1, r1)
    _, grads["W1"], grads["b1"] = linear_backward(dh1, c1)
    return loss, grads


# --------------------------------------------------------------------------- gradient checking
def numerical_gradient_array(f: Callable[[np.ndarray], np.ndarray], x: np.ndarray, dout: np.ndarray,
                             h: float = 1e-5) -> np.ndarray:
    """Central-difference estimate of d(sum(f(x) * dout))/dx, shape of x.

    For each entry i: grad[i] = sum((f(x + h e_i) - f(x - h e_i)) * dout) / (2h).
    Central differences have error O(h^2) (forward differences only O(h)).
    x is perturbed in place and every entry is restored before moving on, so
    the caller's array is unchanged on return and each f sees only one
    perturbed entry.
    """
    grad = np.zeros_like(x, dtype=np.float64)
    it = np.nditer(x, flags=["multi_index"])
    while not it.finished:
        ix = it.multi_index
        old = x[ix]
        x[ix] = old + h
        plus = np.array(f(x), dtype=np.float64, copy=True)
        x[ix] = old - h
        minus = np.array(f(x), dtype=np.float64, copy=True)
        x[ix] = old
        grad[ix] = np.sum((plus - minus) * dout) / (2.0 * h)
        it.iternext()
    return grad
