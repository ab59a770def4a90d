"""Hidden tests: the two-hidden-layer MLP.

Parameters, inputs and labels are made here (float64) and passed to the
student's mlp_loss_and_grads; results are compared with the reference and,
for the gradients, with finite differences of the reference loss.

One upstream bug is charged once: when the MLP's result does not match the
reference but does match the composition of the student's OWN layer
functions (linear, ReLU, softmax cross-entropy, chained here, judge-side),
the wiring of the network is right and the error is already charged by the
per-layer tests, so this test passes.
"""

import numpy as np
import pytest

from autograder.testing import assert_close, assert_scalar, check

KEYS = ("W1", "b1", "W2", "b2", "W3", "b3")
CASES = [8, 1]  # batch sizes
D, H1, H2, C = 6, 7, 5, 4


def _problem(rng, n):
    params = {
        "W1": rng.normal(size=(D, H1)) / np.sqrt(D), "b1": 0.1 * rng.normal(size=H1),
        "W2": rng.normal(size=(H1, H2)) / np.sqrt(H1), "b2": 0.1 * rng.normal(size=H2),
        "W3": rng.normal(size=(H2, C)) / np.sqrt(H2), "b3": 0.1 * rng.normal(size=C),
    }
    return params, rng.normal(size=(n, D)), rng.integers(0, C, size=n)


def _copy(params):
    return {k: v.copy() for k, v in params.items()}


def _call(submission, params, X, y):
    """The student's (loss, grads), with the container checked; ``params`` is sent as it is."""
    result = submission.mlp_loss_and_grads(params, X.copy(), y.copy())
    check(isinstance(result, (tuple, list)) and len(result) == 2,
          "mlp_loss_and_grads must return a tuple (loss, grads)")
    loss, grads = result
    check(isinstance(grads, dict), "grads must be a dict with keys W1, b1, W2, b2, W3, b3")
    missing = [k for k in KEYS if k not in grads]
    check(not missing, f"grads is missing the key(s) {', '.join(missing)}")
    extra = sorted(str(k) for k in grads if k not in KEYS)
    check(not extra, f"grads has unexpected key(s) {', '.join(extra)}")
    return loss, grads


def _own_layers(submission, params, X, y):
    """The network chained from the student's own layer functions; None when that fails."""
    try:
        h1, c1 = submission.linear_forward(X.copy(), params["W1"].copy(), params["b1"].copy())
        a1, r1 = submission.relu_forward(h1)
        h2, c2 = submission.linear_forward(a1, params["W2"].copy(), params["b2"].copy())
        a2, r2 = submission.relu_forward(h2)
        scores, c3 = submission.linear_forward(a2, params["W3"].copy(), params["b3"].copy())
        loss, dscores = submission.softmax_cross_entropy(scores, y.copy())
        grads = {}
        da2, grads["W3"], grads["b3"] = submission.linear_backward(dscores, c3)
        da1, grads["W2"], grads["b2"] = submission.linear_backward(submission.relu_backward(da2, r2), c2)
        _, grads["W1"], grads["b1"] = submission.linear_backward(submission.relu_backward(da1, r1), c1)
        return loss, grads
    except Exception:  # noqa: BLE001 - any failure simply means "no second chance"
        return None


def _agrees(actual, expected):
    try:
        a = np.asarray(actual, dtype=np.float64)
        e = np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return a.shape == e.shape and bool(np.all(np.abs(a - e) <= 1e-10 + 1e-7 * np.abs(e)))


@pytest.mark.points(1)
@pytest.mark.hint("Forward pass: h1 = X W1 + b1, a1 = relu(h1), h2 = a1 W2 + b2, a2 = relu(h2), "
                  "scores = a2 W3 + b3, then the mean softmax cross-entropy of scores against y.")
@pytest.mark.parametrize("n", CASES, ids=[f"N{n}" for n in CASES])
def test_mlp_loss(submission, reference, rng, n):
    params, X, y = _problem(rng, n)
    expected, _ = reference.mlp_loss_and_grads(_copy(params), X, y)
    loss, _ = _call(submission, _copy(params), X, y)
    if not _agrees(loss, expected):
        own = _own_layers(submission, params, X, y)
        if own is not None and isinstance(loss, (float, np.floating)) and _agrees(loss, own[0]):
            return  # the layers are wrong, not the network: charged by the layer tests
    assert_scalar(loss, expected, "loss of mlp_loss_and_grads")


@pytest.mark.points(3)
@pytest.mark.hint("Backward pass in reverse order: softmax cross-entropy -> linear 3 -> ReLU -> linear 2 -> "
                  "ReLU -> linear 1. Each ReLU multiplies the gradient by its own mask (from its own "
                  "pre-activation); each gradient has the shape of its parameter.")
@pytest.mark.parametrize("n", CASES, ids=[f"N{n}" for n in CASES])
def test_mlp_grads(submission, reference, rng, n):
    params, X, y = _problem(rng, n)
    _, expected = reference.mlp_loss_and_grads(_copy(params), X, y)
    sent = _copy(params)
    _, grads = _call(submission, sent, X, y)
    for k in KEYS:
        assert_close(sent[k], params[k], f"params['{k}'] after mlp_loss_and_grads (it must not change params)",
                     rtol=0.0, atol=0.0)
    if not all(_agrees(grads[k], expected[k]) for k in KEYS):
        own = _own_layers(submission, params, X, y)
        if own is not None and all(_agrees(grads[k], own[1].get(k)) for k in KEYS):
            return  # the layers are wrong, not the network: charged by the layer tests
    for k in KEYS:
        fd = reference.numerical_gradient_array(
            lambda v, k=k: reference.mlp_loss_and_grads({**params, k: v}, X, y)[0], params[k].copy(), 1.0)
        assert_close(grads[k], fd, f"grads['{k}'] (compared with finite differences of the loss)",
                     rtol=1e-5, atol=1e-7)
        assert_close(grads[k], expected[k], f"grads['{k}']")
