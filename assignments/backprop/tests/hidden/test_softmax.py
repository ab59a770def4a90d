"""Hidden tests: softmax cross-entropy (mean over the batch).

Ordinary logits check the loss and the gradient (finite differences and the
reference; N > 1 separates a mean from a sum, N = 1 is included as its own
case). Logits of size 1e4 check stability twice: logits that are all large
and close together (exp overflows unless the row maximum is subtracted), and
logits spread over [-1e4, 1e4] (the probability of the correct class
underflows to 0, so log(probability) is -inf: the log-probability has to be
computed directly).
"""

import numpy as np
import pytest

from autograder.testing import assert_close, assert_scalar, check

CASES = [(6, 4), (1, 5), (3, 10)]  # (N, C)
CASE_IDS = ["N6-C4", "N1-C5", "N3-C10"]


def _unpack(result):
    check(isinstance(result, (tuple, list)) and len(result) == 2,
          "softmax_cross_entropy must return a tuple (loss, dlogits)")
    return result


def _problem(rng, n, c, scale=2.0):
    return scale * rng.normal(size=(n, c)), rng.integers(0, c, size=n)


@pytest.mark.points(1)
@pytest.mark.hint("loss = -(1/N) sum_n log softmax(logits[n])[y[n]]: the MEAN over the N rows, returned as a float.")
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_softmax_loss(submission, reference, rng, case):
    logits, y = _problem(rng, *case)
    expected, _ = reference.softmax_cross_entropy(logits, y)
    loss, _ = _unpack(submission.softmax_cross_entropy(logits.copy(), y.copy()))
    assert_scalar(loss, expected, "loss of softmax_cross_entropy")


@pytest.mark.points(2)
@pytest.mark.hint("dlogits = (softmax(logits) - onehot(y)) / N: the label's own logit also enters the loss "
                  "directly, and the loss is a mean over N rows.")
@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_softmax_dlogits(submission, reference, rng, case):
    logits, y = _problem(rng, *case)
    _, expected = reference.softmax_cross_entropy(logits, y)
    fd = reference.numerical_gradient_array(lambda z: reference.softmax_cross_entropy(z, y)[0], logits.copy(), 1.0)
    _, dlogits = _unpack(submission.softmax_cross_entropy(logits.copy(), y.copy()))
    assert_close(dlogits, fd, "dlogits (compared with finite differences of the loss)", rtol=1e-6, atol=1e-8)
    assert_close(dlogits, expected, "dlogits")


def _check_stable(submission, reference, logits, y, where):
    """Finite and correct at huge logits, without charging a formula mistake twice.

    The formula itself (mean, one-hot) is graded on ordinary logits above. Here
    a loss equal to N times the reference (a sum instead of a mean) is accepted,
    and so are dlogits equal to the student's own dlogits for the same logits
    shifted so that each row's maximum is 0 (softmax does not change under that
    shift, so a stable implementation gives the same answer for both).
    """
    n = logits.shape[0]
    loss_ref, dlogits_ref = reference.softmax_cross_entropy(logits, y)
    loss, dlogits = _unpack(submission.softmax_cross_entropy(logits.copy(), y.copy()))
    check(isinstance(loss, (float, np.floating)) and np.isfinite(loss),
          f"the loss for logits {where} is not a finite float (inf or nan means exp overflowed or log "
          "was taken of a probability that underflowed to 0)")
    check(isinstance(dlogits, np.ndarray) and dlogits.shape == logits.shape and bool(np.all(np.isfinite(dlogits))),
          f"dlogits for logits {where} must be a finite array of shape {logits.shape} (nan or inf found, "
          "or a wrong shape)")
    if not (_agrees(loss, loss_ref) or _agrees(loss, n * loss_ref)):
        assert_scalar(loss, loss_ref, f"loss for logits {where}")
    if not _agrees(dlogits, dlogits_ref):
        shifted = logits - logits.max(axis=1, keepdims=True)
        _, own = _unpack(submission.softmax_cross_entropy(shifted, y.copy()))
        if not _agrees(dlogits, own):  # a nan in own never agrees
            assert_close(dlogits, dlogits_ref, f"dlogits for logits {where}")


def _agrees(actual, expected):
    try:
        a, e = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return a.shape == e.shape and bool(np.all(np.abs(a - e) <= 1e-10 + 1e-7 * np.abs(e)))


@pytest.mark.points(2)
@pytest.mark.hint("exp(1e4) is inf and inf / inf is nan. Softmax does not change when the same number is "
                  "subtracted from every logit of a row: subtract the row's maximum before exponentiating.")
def test_softmax_large_logits_close_together(submission, reference, rng):
    logits = 1e4 + 3.0 * rng.normal(size=(5, 6))
    _check_stable(submission, reference, logits, rng.integers(0, 6, size=5), "around 1e4")


@pytest.mark.points(2)
@pytest.mark.hint("Two things go wrong with logits spread over [-1e4, 1e4]. (1) Subtract each ROW's maximum, "
                  "not the maximum of the whole array: a row far below the global maximum underflows to all "
                  "zeros. (2) When the correct class's logit is thousands below its row's maximum its "
                  "probability is exactly 0 in floating point and log(0) = -inf: compute the log-probability "
                  "directly, log softmax(z)_k = (z_k - max z) - log(sum_j exp(z_j - max z)).")
def test_softmax_large_logits_far_apart(submission, reference, rng):
    logits = rng.uniform(-1e4, 1e4, size=(6, 5))
    logits[1] = rng.uniform(-1e4, -5e3, size=5)  # a row entirely far below the global maximum
    y = rng.integers(0, 5, size=6)
    y[0] = int(np.argmin(logits[0]))  # a correct class far below its row's maximum
    _check_stable(submission, reference, logits, y, "in [-1e4, 1e4]")
