"""Hidden tests: layer normalization (forward and backward)."""

from __future__ import annotations

import numpy as np
import pytest

from autograder.testing import assert_close

SHAPES = {"batch_of_4": (4, 3), "wide": (3, 8), "tall": (9, 4)}


@pytest.mark.points(2)
@pytest.mark.hint("Layer norm normalises each row (one sample) over its D features: mean and biased variance "
                  "along axis 1, eps inside the square root; gamma and beta still act per feature.")
@pytest.mark.parametrize("shape", list(SHAPES), ids=list(SHAPES))
def test_layernorm_forward(forward, reference, rng, helpers, pytorch, shape):
    n, d = SHAPES[shape]
    x, gamma, beta = helpers.make_inputs(rng, n, d, axis=1)
    out, _ = helpers.forward_pair(forward("layernorm", x, gamma, beta, {}), "layernorm_forward", (n, d))
    # Property oracle: every row of (out - beta) / gamma has mean 0 and biased variance var / (var + eps).
    xhat = (out - beta) / gamma
    var = x.var(axis=1)
    assert_close(xhat.mean(axis=1), np.zeros(n), "row means of (out - beta) / gamma (they should be 0)", atol=1e-9)
    assert_close(xhat.var(axis=1), var / (var + 1e-5), "biased variance of the rows of (out - beta) / gamma",
                 rtol=1e-7)
    expected, _ = reference.layernorm_forward(x, gamma, beta, {})
    assert_close(out, expected, "out of layernorm_forward", atol=helpers.out_atol(expected))
    if pytorch is not None:
        torch_out = pytorch.nn.functional.layer_norm(
            pytorch.from_numpy(x), (d,), pytorch.from_numpy(gamma), pytorch.from_numpy(beta), 1e-5).numpy()
        assert_close(out, torch_out, "out of layernorm_forward (compared with PyTorch)",
                     atol=helpers.out_atol(expected))


@pytest.mark.points(1)
@pytest.mark.hint("Each sample is normalised on its own, so a batch of one row must work and give the same "
                  "row as inside a larger batch.")
def test_layernorm_forward_single_row(forward, reference, rng, helpers):
    x, gamma, beta = helpers.make_inputs(rng, 5, 6, axis=1)
    row = x[2:3].copy()
    out, _ = helpers.forward_pair(forward("layernorm", row, gamma, beta, {}), "layernorm_forward", (1, 6))
    expected, _ = reference.layernorm_forward(x, gamma, beta, {})
    assert_close(out, expected[2:3], "out of layernorm_forward for a batch of one row",
                 atol=helpers.out_atol(expected))


@pytest.mark.points(1)
@pytest.mark.hint("Read eps from ln_param (default 1e-5) and add it to the variance inside the square root; "
                  "it matters for a row whose values are almost equal.")
def test_layernorm_forward_near_constant_row_and_eps(forward, reference, rng, helpers):
    x, gamma, beta = helpers.make_inputs(rng, 4, 5, near_constant=(1,), axis=1)
    for param in ({}, {"eps": 1e-3}):
        out, _ = helpers.forward_pair(forward("layernorm", x, gamma, beta, dict(param)),
                                      "layernorm_forward", x.shape)
        expected, _ = reference.layernorm_forward(x, gamma, beta, dict(param))
        assert_close(out, expected, f"out of layernorm_forward with ln_param = {param} (one row nearly constant)",
                     atol=helpers.out_atol(expected))


BACKWARD_SHAPES = {"batch_of_4": (4, 3), "wide": (3, 7), "tall": (7, 3)}


@pytest.mark.points(2)
@pytest.mark.hint("The mean and variance of layer norm are per row, so the two extra terms of dx are means "
                  "over the features of each row (axis 1), not over the batch.")
@pytest.mark.parametrize("case", list(BACKWARD_SHAPES))
def test_layernorm_backward_dx(check_backward, rng, helpers, case):
    n, d = BACKWARD_SHAPES[case]
    x, gamma, beta = helpers.make_inputs(rng, n, d, axis=1)
    dout = rng.normal(size=(n, d))
    check_backward("layernorm", "dx", x, gamma, beta, dout, {})


@pytest.mark.points(1)
@pytest.mark.hint("gamma and beta act per feature and are shared by all rows: dgamma and dbeta are sums over "
                  "the rows (axis 0), shape (D,), even in layer norm.")
@pytest.mark.parametrize("case", ["batch_of_4", "wide"])
def test_layernorm_backward_dgamma_dbeta(check_backward, rng, helpers, case):
    n, d = BACKWARD_SHAPES[case]
    x, gamma, beta = helpers.make_inputs(rng, n, d, axis=1)
    dout = rng.normal(size=(n, d))
    check_backward("layernorm", "params", x, gamma, beta, dout, {})
