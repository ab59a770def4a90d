"""The five initializers: shape and dtype, then statistics of one large draw.

Random initializers cannot be compared with the reference entry by entry
(any correct sampling method is accepted), so each one is judged on a single
draw of n = 256 * 384 = 98,304 entries against the contract's distribution.
Every statistical check uses a tolerance from a finite-sample inequality
(not an asymptotic approximation) with a false-failure probability of at
most DELTA = 1e-9 for a correct sampler, stated next to each check. The
shapes have fan_in != fan_out, so a fan_in / fan_out mix-up changes the
variance by a factor of 1.5 and a transposed result is caught by its shape.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograder.testing import assert_array, check, fail

FAN_IN, FAN_OUT = 256, 384
N = FAN_IN * FAN_OUT
DELTA = 1e-9  # false-failure probability allowed for each statistical check
LOG2D = math.log(2.0 / DELTA)  # ~21.4: the log term of every two-sided bound below

# name -> (family, variance as a function of (fan_in, fan_out)); the contract of ASSIGNMENTS.md
SPECS = {
    "xavier_uniform": ("uniform", lambda fi, fo: 2.0 / (fi + fo)),
    "xavier_normal": ("normal", lambda fi, fo: 2.0 / (fi + fo)),
    "kaiming_uniform": ("uniform", lambda fi, fo: 2.0 / fi),
    "kaiming_normal": ("normal", lambda fi, fo: 2.0 / fi),
}
VARIANCE_TEXT = {
    "xavier_uniform": "2 / (fan_in + fan_out) (from a = sqrt(6 / (fan_in + fan_out)))",
    "xavier_normal": "2 / (fan_in + fan_out)",
    "kaiming_uniform": "2 / fan_in (from a = sqrt(6 / fan_in))",
    "kaiming_normal": "2 / fan_in",
}
RANDOM_INITS = list(SPECS)
UNIFORM_INITS = [name for name in SPECS if SPECS[name][0] == "uniform"]


def _call(submission, name, fan_in, fan_out, rng):
    return getattr(submission, name)(fan_in, fan_out, rng)


def _sample(submission, name, rng, fan_in=FAN_IN, fan_out=FAN_OUT):
    """The student's draw as float64, whatever its shape (the shape has its own test)."""
    label = f"{name}({fan_in}, {fan_out}, rng)"
    w = assert_array(_call(submission, name, fan_in, fan_out, rng), label)
    check(w.size == fan_in * fan_out,
          f"{label}: returned {w.size} numbers; a ({fan_in}, {fan_out}) weight matrix has {fan_in * fan_out}")
    w = w.astype(np.float64).ravel()
    check(np.all(np.isfinite(w)), f"{label}: contains inf or nan")
    return w, label


def _normal_cdf(z: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.frompyfunc(math.erf, 1, 1)(z / math.sqrt(2.0)).astype(np.float64))


# --- shape, dtype, zeros -----------------------------------------------------------------


@pytest.mark.points(1)
@pytest.mark.hint("Every initializer returns a float64 numpy array of shape (fan_in, fan_out): rows index "
                  "the inputs of the layer, columns its outputs, so that a batch x of shape (N, fan_in) "
                  "maps to x @ W of shape (N, fan_out). PyTorch's nn.Linear.weight is stored the other way "
                  "round, (fan_out, fan_in); this assignment is not.")
@pytest.mark.parametrize("name", ["zeros_init", *RANDOM_INITS])
def test_shape_and_dtype(submission, make_rng, name):
    for k, (fan_in, fan_out) in enumerate([(FAN_IN, FAN_OUT), (7, 3), (1, 5)]):
        label = f"{name}({fan_in}, {fan_out}, rng)"
        w = assert_array(_call(submission, name, fan_in, fan_out, make_rng(k)), label,
                         shape=(fan_in, fan_out), dtype_kind=None)
        check(w.dtype == np.float64, f"{label}: expected dtype float64, got {w.dtype}")


@pytest.mark.points(1)
@pytest.mark.hint("zeros_init returns a (fan_in, fan_out) float64 array of zeros.")
def test_zeros_init_is_zero(submission, make_rng):
    w = assert_array(submission.zeros_init(FAN_OUT, FAN_IN, make_rng()), f"zeros_init({FAN_OUT}, {FAN_IN}, rng)",
                     shape=(FAN_OUT, FAN_IN))
    check(np.all(w == 0.0), f"zeros_init: {int(np.count_nonzero(w))} of {w.size} entries are not zero")


# --- statistics of one draw ---------------------------------------------------------------


@pytest.mark.points(1)
@pytest.mark.hint("The weights are centred: draw symmetrically around 0, from U(-a, a) or N(0, sigma^2).")
@pytest.mark.parametrize("name", RANDOM_INITS)
def test_mean_is_zero(submission, make_rng, name):
    family, variance = SPECS[name]
    w, label = _sample(submission, name, make_rng())
    var = variance(FAN_IN, FAN_OUT)
    if family == "uniform":
        # Hoeffding, entries in [-a, a]: P(|mean| >= t) <= 2 exp(-n t^2 / (2 a^2)) = DELTA
        tol = math.sqrt(3.0 * var) * math.sqrt(2.0 * LOG2D / N)
    else:
        # the mean of n N(0, var) is exactly N(0, var / n); Gaussian tail P(|Z| >= z) <= 2 exp(-z^2 / 2) = DELTA
        tol = math.sqrt(var / N) * math.sqrt(2.0 * LOG2D)
    mean = float(w.mean())
    check(abs(mean) <= tol, f"{label}: the mean of the {N} entries is {mean:.3g}, but the weights should be "
                            f"centred on 0 (allowed: |mean| <= {tol:.2g}, which a correct sampler exceeds "
                            f"with probability below {DELTA:g})")


@pytest.mark.points(2)
@pytest.mark.hint("Check the variance of your distribution: U(-a, a) has variance a^2 / 3, and "
                  "rng.normal(loc, scale) takes the standard deviation as scale, not the variance. "
                  "Xavier uses 2 / (fan_in + fan_out); Kaiming (He et al. 2015) uses 2 / fan_in, "
                  "the fan_in being the first dimension of W.")
@pytest.mark.parametrize("name", RANDOM_INITS)
def test_variance(submission, make_rng, name):
    family, variance = SPECS[name]
    w, label = _sample(submission, name, make_rng())
    var = variance(FAN_IN, FAN_OUT)
    second_moment = float(np.mean(w * w))  # the mean is 0 by contract: E[w^2] is the variance
    if family == "uniform":
        # Hoeffding, w^2 in [0, a^2] with a^2 = 3 var: P(|m2 - var| >= t) <= 2 exp(-2 n t^2 / a^4) = DELTA
        lo = hi = 3.0 * var * math.sqrt(LOG2D / (2.0 * N))
    else:
        # sum(w^2) / var is chi-square with n degrees of freedom; Laurent & Massart (2000):
        # P(Q - n >= 2 sqrt(n x) + 2 x) <= e^-x and P(n - Q >= 2 sqrt(n x)) <= e^-x, with x = log(2 / DELTA)
        hi = var * (2.0 * math.sqrt(N * LOG2D) + 2.0 * LOG2D) / N
        lo = var * 2.0 * math.sqrt(N * LOG2D) / N
    ratio = second_moment / var
    check(var - lo <= second_moment <= var + hi,
          f"{label}: the variance of the entries (mean of W**2) is {ratio:.4g} times the contract's "
          f"{VARIANCE_TEXT[name]} "
          f"(allowed: within {lo / var:.1%} below / {hi / var:.1%} above; a correct sampler falls outside "
          f"with probability below {DELTA:g})")


@pytest.mark.points(2)
@pytest.mark.hint("A uniform initializer draws from U(-a, a): every entry lies in [-a, a] and, over ~100,000 "
                  "draws, the largest |w| comes within 0.1% of a. Xavier uses a = sqrt(6 / (fan_in + fan_out)); "
                  "Kaiming uses a = sqrt(6 / fan_in), so that the variance a^2 / 3 is 2 / fan_in.")
@pytest.mark.parametrize("name", UNIFORM_INITS)
def test_uniform_bound(submission, make_rng, name):
    _, variance = SPECS[name]
    w, label = _sample(submission, name, make_rng())
    a = math.sqrt(3.0 * variance(FAN_IN, FAN_OUT))
    largest = float(np.abs(w).max())
    outside = int(np.count_nonzero(np.abs(w) > a * (1.0 + 1e-12)))  # 1e-12: rounding of a computed another way
    check(outside == 0, f"{label}: {outside} of {N} entries lie outside [-a, a] for the a of the contract; "
                        f"the largest |w| is {largest / a:.4g} times a")
    # P(max |w| < a (1 - eps)) = (1 - eps)^n <= exp(-n eps) = exp(-98.3) < 1e-42 for eps = 1e-3
    check(largest >= a * (1.0 - 1e-3),
          f"{label}: the largest |w| of {N} draws is only {largest / a:.4g} times the bound a of the contract; "
          f"a correct U(-a, a) sampler reaches 0.999 a with probability 1 - 1e-42")


@pytest.mark.points(1)
@pytest.mark.hint("Compare the histogram of your weights with the density of the contract: Xavier/Kaiming "
                  "'normal' draw from a Gaussian N(0, sigma^2) (rng.normal), the 'uniform' ones from a flat "
                  "U(-a, a) (rng.uniform), with the variance of the contract in both cases.")
@pytest.mark.parametrize("name", RANDOM_INITS)
def test_distribution_shape(submission, make_rng, add_figure, name):
    family, variance = SPECS[name]
    w, label = _sample(submission, name, make_rng())
    sigma = math.sqrt(variance(FAN_IN, FAN_OUT))
    x = np.sort(w)
    if family == "uniform":
        a = math.sqrt(3.0) * sigma
        cdf = np.clip((x + a) / (2.0 * a), 0.0, 1.0)
    else:
        cdf = _normal_cdf(x / sigma)
    upper = np.arange(1, N + 1) / N
    distance = float(max(np.max(upper - cdf), np.max(cdf - (upper - 1.0 / N))))
    # Dvoretzky-Kiefer-Wolfowitz with Massart's constant: P(sup |F_n - F| > eps) <= 2 exp(-2 n eps^2) = DELTA
    eps = math.sqrt(LOG2D / (2.0 * N))
    if distance > eps:
        add_figure(f"{name}: histogram of your weights against the density of the contract",
                   _histogram(w, family, sigma, name))
        fail(f"{label}: the entries do not follow the {family} distribution of the contract: the largest gap "
             f"between their empirical CDF and the contract's CDF (Kolmogorov-Smirnov distance) is "
             f"{distance:.3g}, allowed {eps:.3g} (a correct sampler exceeds it with probability below {DELTA:g})")


def _histogram(w, family, sigma, name):
    """Histogram and CDF of w / sigma against the contract's (the KS distance is the CDFs' largest gap)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    u = np.sort(w) / sigma
    reach = max(4.0, float(np.abs(u).max()))
    x = np.linspace(-reach, reach, 600)
    if family == "uniform":
        r = math.sqrt(3.0)
        density, cdf = np.where(np.abs(x) <= r, 1.0 / (2.0 * r), 0.0), np.clip((x + r) / (2.0 * r), 0.0, 1.0)
    else:
        density, cdf = np.exp(-0.5 * x**2) / math.sqrt(2.0 * math.pi), _normal_cdf(x)
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3))
    left.hist(u, bins=120, density=True, alpha=0.6, label="your weights")
    left.plot(x, density, "k-", lw=1.5, label="contract")
    left.set_xlabel("w / sigma of the contract")
    left.set_title(f"{name}: histogram")
    left.legend(fontsize=8)
    right.plot(u, np.arange(1, u.size + 1) / u.size, lw=1.5, label="your weights")
    right.plot(x, cdf, "k--", lw=1.2, label="contract")
    right.set_xlabel("w / sigma of the contract")
    right.set_title("cumulative distribution")
    right.legend(fontsize=8)
    fig.tight_layout()
    return fig


# --- randomness only through rng --------------------------------------------------------------


@pytest.mark.points(1)
@pytest.mark.hint("Draw every random number from the rng argument (rng.uniform, rng.normal, ...), never from "
                  "np.random.rand / randn / seed or a generator of your own: the same seeded rng must give the "
                  "same weights, and the caller's rng must move on after the call.")
@pytest.mark.parametrize("name", RANDOM_INITS)
def test_draws_only_from_rng(submission, make_rng, name):
    label = f"{name}(12, 9, rng)"
    first, second, other = make_rng(1), make_rng(1), make_rng(2)
    fresh = make_rng(1)
    w1 = assert_array(_call(submission, name, 12, 9, first), label)
    check(not first == fresh,
          f"{label} did not draw from rng: the generator passed in is in the same state after the call")
    w2 = assert_array(_call(submission, name, 12, 9, second), label)
    check(w1.shape == w2.shape and np.array_equal(w1, w2),
          f"{label}: two generators seeded identically gave different weights, so some randomness "
          "does not come from rng")
    check(first == second, f"{label}: two generators seeded identically were left in different states")
    w3 = assert_array(_call(submission, name, 12, 9, other), label)
    check(not (w1.shape == w3.shape and np.array_equal(w1, w3)),
          f"{label}: generators with different seeds gave identical weights")
