"""Inverted dropout: mask values, keep rate (statistically), eval mode, backward, rng use.

Any sampling method is correct, so train mode is judged by properties of one
large draw; only dropout_backward, which is deterministic, is compared with
the reference. p = 0.2 and p = 0.7 are used because at p = 0.5 dropping and
keeping are symmetric and "p is the keep probability" would go unnoticed.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograder.testing import assert_array, assert_close, check, fail

SHAPE = (200, 500)  # n = 100,000 units
DELTA = 1e-9  # false-failure probability allowed for the statistical check


def _forward(submission, x, p, mode, rng, label):
    out = submission.dropout_forward(x, p, mode, rng)
    check(isinstance(out, tuple) and len(out) == 2,
          f"{label}: expected a tuple (out, mask), got a value of type {type(out).__name__}"
          + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else ""))
    got, mask = out
    assert_array(got, f"{label}: out", shape=x.shape)
    assert_array(mask, f"{label}: mask", shape=x.shape)
    return got, mask


@pytest.mark.points(2)
@pytest.mark.hint("Inverted dropout: a kept unit is scaled by 1 / (1 - p) during training, so mask holds "
                  "exactly 0 (dropped) or 1 / (1 - p) (kept), and out = x * mask. p is the probability of "
                  "DROPPING a unit, as in torch.nn.Dropout(p). Do not change x in place.")
@pytest.mark.parametrize("p", [0.2, 0.7])
def test_dropout_train_mask_values(submission, make_rng, p):
    x = make_rng(1).normal(size=(40, 30))
    x_before = x.copy()
    label = f"dropout_forward(x of shape {x.shape}, p={p}, 'train', rng)"
    out, mask = _forward(submission, x, p, "train", make_rng(0), label)
    check(np.array_equal(x, x_before), f"{label} changed its input x in place")
    scale = 1.0 / (1.0 - p)
    dropped = mask == 0.0
    kept = np.isclose(mask, scale, rtol=1e-12, atol=0.0)
    bad = ~(dropped | kept)
    if bad.any():
        values = np.unique(mask[bad])[:3]
        fail(f"{label}: mask has {int(bad.sum())} of {mask.size} entries that are neither 0 nor "
                     f"1 / (1 - p), e.g. {', '.join(f'{v:.6g}' for v in values)}")
    check(dropped.any() and kept.any(), f"{label}: mask should contain both dropped (0) and kept units")
    assert_close(out, x * mask, f"{label}: out against x * mask", rtol=1e-12, atol=0.0)


@pytest.mark.points(2)
@pytest.mark.hint("Each unit is dropped independently with probability p (the DROP probability): about a "
                  "fraction 1 - p of the mask should be non-zero, e.g. keep = rng.random(x.shape) >= p.")
@pytest.mark.parametrize("p", [0.2, 0.7])
def test_dropout_keep_fraction(submission, make_rng, p):
    x = make_rng(1).normal(size=SHAPE)
    label = f"dropout_forward(x of shape {SHAPE}, p={p}, 'train', rng)"
    _, mask = _forward(submission, x, p, "train", make_rng(0), label)
    n = mask.size
    kept = float(np.count_nonzero(mask)) / n
    # Hoeffding for n independent Bernoulli(1 - p): P(|kept - (1 - p)| >= t) <= 2 exp(-2 n t^2) = DELTA
    tol = math.sqrt(math.log(2.0 / DELTA) / (2.0 * n))
    check(abs(kept - (1.0 - p)) <= tol,
          f"{label}: {kept:.2%} of the {n} units were kept; with drop probability p = {p} the kept fraction "
          f"should be 1 - p (allowed: +-{tol:.2%}; a correct sampler falls outside with probability "
          f"below {DELTA:g})")


@pytest.mark.points(1)
@pytest.mark.hint("In 'eval' mode dropout does nothing: out equals x and mask is all ones (inverted dropout "
                  "already scaled during training, so no rescaling is needed at test time).")
def test_dropout_eval_mode(submission, make_rng):
    x = make_rng(1).normal(size=(25, 16))
    label = f"dropout_forward(x of shape {x.shape}, p=0.4, 'eval', rng)"
    out, mask = _forward(submission, x, 0.4, "eval", make_rng(0), label)
    assert_close(out, x, f"{label}: out", rtol=0.0, atol=0.0)
    assert_close(mask, np.ones_like(x), f"{label}: mask", rtol=0.0, atol=0.0)


@pytest.mark.points(1)
@pytest.mark.hint("Draw the dropout mask from the rng argument (e.g. rng.random(x.shape)), never from "
                  "np.random.rand or a generator of your own: the same seeded rng must give the same mask, "
                  "and the caller's rng must move on after the call.")
def test_dropout_draws_only_from_rng(submission, make_rng):
    x = make_rng(1).normal(size=(30, 20))
    # p = 0 keeps every unit whatever the draws: a correct result for any sampler, whose
    # generator state afterwards tells (in the diagnosis) where the draws came from
    out0, mask0 = _forward(submission, x, 0.0, "train", make_rng(3), "dropout_forward(x, p=0.0, 'train', rng)")
    check(np.array_equal(mask0, np.ones_like(x)), "dropout_forward(x, p=0.0, 'train', rng): p = 0 drops "
                                                  "nothing, so the mask should be all ones")
    label = f"dropout_forward(x of shape {x.shape}, p=0.3, 'train', rng)"
    first, second, fresh = make_rng(4), make_rng(4), make_rng(4)
    _, m1 = _forward(submission, x, 0.3, "train", first, label)
    check(not first == fresh, f"{label} did not draw from rng: the generator passed in is in the same "
                              "state after the call")
    _, m2 = _forward(submission, x, 0.3, "train", second, label)
    check(np.array_equal(m1, m2), f"{label}: two generators seeded identically gave different masks, so some "
                                  "randomness does not come from rng")


@pytest.mark.points(2)
@pytest.mark.hint("out = x * mask, and mask does not depend on x, so dx = dout * mask: dropped units get no "
                  "gradient and kept ones get dout scaled by 1 / (1 - p).")
@pytest.mark.parametrize("p,mode", [(0.2, "train"), (0.7, "train"), (0.5, "eval")])
def test_dropout_backward(submission, reference, make_rng, p, mode):
    x = make_rng(1).normal(size=(12, 9))
    dout = make_rng(2).normal(size=x.shape)
    _, mask = reference.dropout_forward(x, p, mode, make_rng(0))  # the reference's mask: forward is not recharged
    label = f"dropout_backward(dout, mask) for a mask of dropout_forward(x, p={p}, '{mode}', rng)"
    assert_close(submission.dropout_backward(dout, mask), reference.dropout_backward(dout, mask), label,
                 rtol=1e-12, atol=0.0)
