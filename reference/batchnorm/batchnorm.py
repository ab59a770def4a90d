"""Reference solution: batch normalization and layer normalization (numpy, float64).

Conventions (see the handout):
- Training normalises with the *biased* batch variance (divide by N), the
  variance of the batch itself; the running variance is updated with the
  *unbiased* estimate (divide by N - 1), because it estimates the variance of
  the population the batches are drawn from.
- ``momentum`` is the weight of the new batch, as in PyTorch:
  running = (1 - momentum) * running + momentum * batch.
  ``momentum=None`` gives the cumulative average of the slides: with the
  batch counter n (``num_batches_tracked``, incremented before use), the
  weight of the n-th batch is 1/n, so the running value is exactly the mean
  of the statistics of all batches seen so far.
- epsilon is added to the variance inside the square root.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

DEFAULT_EPS = 1e-5
DEFAULT_MOMENTUM = 0.1


def batchnorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                      bn_param: dict[str, Any]) -> tuple[np.ndarray, dict[str, Any] | None]:
    """Batch normalization of x (N, D) feature by feature; returns (out (N, D), cache).

    bn_param is changed in place: ``running_mean`` (D,) and ``running_var`` (D,)
    are created (zeros, ones) if missing; in train mode they are updated and
    ``num_batches_tracked`` is incremented. Eval mode reads them and changes
    nothing. The cache (train mode) holds what the backward pass needs; in eval
    mode there is no backward pass, so the cache is None.
    """
    mode = bn_param.get("mode")
    eps = bn_param.get("eps", DEFAULT_EPS)
    momentum = bn_param.get("momentum", DEFAULT_MOMENTUM)
    n, d = x.shape
    running_mean = bn_param.setdefault("running_mean", np.zeros(d, dtype=x.dtype))
    running_var = bn_param.setdefault("running_var", np.ones(d, dtype=x.dtype))

    if mode == "train":
        if n < 2:
            raise ValueError("batch normalization in train mode needs more than one row per batch")
        mean = x.mean(axis=0)
        var = x.var(axis=0)  # biased: the spread of this batch
        inv_std = 1.0 / np.sqrt(var + eps)
        xhat = (x - mean) * inv_std
        out = gamma * xhat + beta

        count = bn_param.get("num_batches_tracked", 0) + 1
        bn_param["num_batches_tracked"] = count
        weight = 1.0 / count if momentum is None else momentum
        unbiased_var = var * (n / (n - 1))  # estimates the population variance
        bn_param["running_mean"] = (1.0 - weight) * running_mean + weight * mean
        bn_param["running_var"] = (1.0 - weight) * running_var + weight * unbiased_var
        cache = {"xhat": xhat, "gamma": gamma, "inv_std": inv_std}
        return out, cache

    if mode == "eval":
        out = gamma * (x - running_mean) / np.sqrt(running_var + eps) + beta
        return out, None

    raise ValueError(f"bn_param['mode'] must be 'train' or 'eval', got {mode!r}")


def _normalization_backward(dout: np.ndarray, cache: dict[str, Any], axis: int
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of out = gamma * (x - mean) / sqrt(var + eps) + beta.

    ``axis`` is the axis the mean and variance were taken over (0 for batch
    norm, 1 for layer norm); gamma and beta act per feature, so their
    gradients are always summed over the rows (axis 0).

    With g = dL/dxhat = gamma * dout and m the number of entries averaged,
    the chain rule through the mean and the variance collapses to
        dx = inv_std * (g - mean(g) - xhat * mean(g * xhat)),
    the two subtracted terms being the mean path and the variance path.
    """
    xhat, gamma, inv_std = cache["xhat"], cache["gamma"], cache["inv_std"]
    g = dout * gamma
    dx = inv_std * (g - g.mean(axis=axis, keepdims=True)
                    - xhat * (g * xhat).mean(axis=axis, keepdims=True))
    dgamma = (dout * xhat).sum(axis=0)
    dbeta = dout.sum(axis=0)
    return dx, dgamma, dbeta


def batchnorm_backward(dout: np.ndarray, cache: dict[str, Any]
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients (dx (N, D), dgamma (D,), dbeta (D,)) of the train-mode forward pass."""
    return _normalization_backward(dout, cache, axis=0)


def layernorm_forward(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                      ln_param: dict[str, Any]) -> tuple[np.ndarray, dict[str, Any]]:
    """Layer normalization: each row of x (N, D) over its own D features; returns (out (N, D), cache).

    Uses the biased variance of the row, epsilon inside the square root, and
    no running statistics: rows never see each other, so train and eval are
    the same computation. ln_param is read only (``eps``).
    """
    eps = ln_param.get("eps", DEFAULT_EPS)
    mean = x.mean(axis=1, keepdims=True)
    var = x.var(axis=1, keepdims=True)
    inv_std = 1.0 / np.sqrt(var + eps)
    xhat = (x - mean) * inv_std
    out = gamma * xhat + beta
    return out, {"xhat": xhat, "gamma": gamma, "inv_std": inv_std}


def layernorm_backward(dout: np.ndarray, cache: dict[str, Any]
                       ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients (dx (N, D), dgamma (D,), dbeta (D,)): statistics per row, parameters per feature."""
    return _normalization_backward(dout, cache, axis=1)


# --------------------------------------------------------------------------
# For the grader's mistake diagnosis, not part of the assignment's API.
#
# The diagnosis replays a failing test's calls on the reference and on each
# known mistake and compares results. The cache returned by the forward
# passes is each student's own format, so a whole ``(out, cache)`` result
# never equals a mistake's. The tests therefore record a forward call as what
# they observe of it (the output, the running statistics, the batch counter
# where it matters) and a backward call as the gradients of a forward pass
# followed by the backward pass. These helpers compute the same for the
# module they live in; a mistake's file is laid over this one, so its helpers
# call its own (wrong) functions.

def _observed(kind: str, out: Any, param: dict[str, Any]) -> Any:
    """What the tests look at after a forward call, given its output and the param dict it left."""
    if kind == "layernorm":
        return out
    counted = param.get("num_batches_tracked") if param.get("momentum", DEFAULT_MOMENTUM) is None else None
    return (out, param.get("running_mean"), param.get("running_var"), counted)


def _batchnorm_forward_observed(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                                bn_param: dict[str, Any]) -> Any:
    state = copy.deepcopy(bn_param)
    return _observed("batchnorm", batchnorm_forward(x, gamma, beta, state)[0], state)


def _layernorm_forward_observed(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray,
                                ln_param: dict[str, Any]) -> Any:
    return _observed("layernorm", layernorm_forward(x, gamma, beta, copy.deepcopy(ln_param))[0], ln_param)


def _batchnorm_gradients(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, dout: np.ndarray,
                         bn_param: dict[str, Any]) -> Any:
    return batchnorm_backward(dout, batchnorm_forward(x, gamma, beta, copy.deepcopy(bn_param))[1])


def _layernorm_gradients(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, dout: np.ndarray,
                         ln_param: dict[str, Any]) -> Any:
    return layernorm_backward(dout, layernorm_forward(x, gamma, beta, copy.deepcopy(ln_param))[1])
