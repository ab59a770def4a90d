"""build_model: the architecture, He (Kaiming) initialisation judged statistically, zero biases.

The model stays in the worker; its state_dict comes back as tensors. The
variance test uses layers of at least 20,000 weights: the sample second
moment of n normal draws has a relative standard deviation of sqrt(2 / n)
<= 0.01 (less for uniform draws), so the 10 % tolerance is 10 standard
deviations and a correct initialiser never fails it, while Xavier
(2 / (fan_in + fan_out)), PyTorch's default (1 / (3 fan_in)), the missing ReLU
gain (1 / fan_in) and the fan_out mode are all off by 30 % or more on the
shapes below.
"""

from __future__ import annotations

import pytest
import torch

from autograder.testing import assert_close, check, fail

# in_features, hidden, n_classes: the first and last layers are non-square, so fan_in and fan_out differ there
STAT_SHAPE = (300, 400, 50)
SMALL_SHAPE = (12, 40, 5)


def _state(submission, shape):
    model = submission.build_model(*shape)
    check(getattr(model, "type_name", "") == "Sequential",
          f"build_model{shape}: expected an nn.Sequential, got a value of type "
          f"{getattr(model, 'type_name', type(model).__name__)}")
    state = model.state_dict()
    D, H, C = shape
    want = {"0.weight": (H, D), "0.bias": (H,), "2.weight": (H, H), "2.bias": (H,),
            "4.weight": (C, H), "4.bias": (C,)}
    check(sorted(state) == sorted(want),
          f"build_model{shape}: the parameters are named {sorted(state)}; nn.Sequential(Linear, ReLU, Linear, "
          f"ReLU, Linear) names them {sorted(want)}")
    for name, size in want.items():
        check(tuple(state[name].shape) == size,
              f"build_model{shape}: {name} has shape {tuple(state[name].shape)}, expected {size} "
              "(PyTorch stores a Linear weight as (out_features, in_features))")
    return model, {k: v.detach().cpu() for k, v in state.items()}


@pytest.mark.points(2)
@pytest.mark.hint("build_model returns nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), "
                  "nn.Linear(hidden, hidden), nn.ReLU(), nn.Linear(hidden, n_classes)): five modules, "
                  "no activation after the last Linear (CrossEntropyLoss takes raw logits).")
def test_architecture(submission, nets, rng):
    model, state = _state(submission, SMALL_SHAPE)
    # the same weights in the judge's own network; small random biases so every ReLU sees both signs
    local = nets.local(*SMALL_SHAPE, {k: v.float() for k, v in state.items()})
    with torch.no_grad():
        for layer in (local[0], local[2], local[4]):
            layer.bias.copy_(torch.tensor(rng.normal(0.0, 0.5, size=layer.bias.shape), dtype=torch.float32))
    model.load_state_dict({k: v.clone() for k, v in local.state_dict().items()})
    x = torch.tensor(rng.normal(size=(7, SMALL_SHAPE[0])), dtype=torch.float32)
    got = model(x)
    if not isinstance(got, torch.Tensor):
        fail(f"model(x) for x of shape {tuple(x.shape)}: expected a tensor, got a value of type "
             f"{getattr(got, 'type_name', type(got).__name__)}")
    with torch.no_grad():
        want = local(x)
    assert_close(got.detach().double(), want.double(),
                 f"model(x) (logits for x of shape {tuple(x.shape)}, weights set by the grader)",
                 rtol=1e-5, atol=1e-6)


# Var(W) / (2 / fan_in) per weight matrix that each known mistake produces, for a layer of (fan_out, fan_in)
KNOWN_VARIANCE_RATIOS = {
    "build_model_kaiming_fan_out": (
        lambda fan_out, fan_in: fan_in / fan_out,
        "the variances follow 2 / fan_out, the number of OUTPUTS of each layer, instead of 2 / fan_in"),
    "build_model_xavier": (
        lambda fan_out, fan_in: fan_in / (fan_in + fan_out),
        "the variances follow 2 / (fan_in + fan_out), Xavier (Glorot) initialisation, instead of 2 / fan_in"),
    "build_model_pytorch_default_init": (
        lambda fan_out, fan_in: 1.0 / 6.0,
        "the variances are those of nn.Linear's own default, 1 / (3 fan_in): the weights were not "
        "re-initialised"),
}
WEIGHTS = ("0.weight", "2.weight", "4.weight")


def _variance_ratios(state) -> dict[str, float]:
    """Each weight's second moment as a multiple of He's 2 / fan_in (fan_in = weight.shape[1])."""
    return {name: float((state[name].double() ** 2).mean()) / (2.0 / state[name].shape[1]) for name in WEIGHTS}


def _known_init(state) -> str | None:
    """The known initialisation mistake whose variances all the weight matrices show (within 10 %), if any."""
    ratios = _variance_ratios(state)
    for mistake, (predict, _) in KNOWN_VARIANCE_RATIOS.items():
        if all(abs(ratios[n] / predict(*state[n].shape) - 1.0) < 0.10 for n in WEIGHTS):
            return mistake
    return None


def _is_he(state) -> bool:
    return all(abs(r - 1.0) < 0.10 for r in _variance_ratios(state).values())


@pytest.mark.points(3)
@pytest.mark.hint("He / Kaiming initialisation for ReLU networks draws every weight with variance "
                  "2 / fan_in, where fan_in is the layer's number of INPUTS. nn.Linear stores its weight as "
                  "(out_features, in_features), so fan_in = weight.shape[1]. nn.init.kaiming_normal_ (or "
                  "kaiming_uniform_) with nonlinearity='relu' and mode='fan_in' does this; PyTorch's default "
                  "init and Xavier do not. All three Linear layers are initialised this way.")
def test_kaiming_variance(submission):
    _, state = _state(submission, STAT_SHAPE)
    ratios = _variance_ratios(state)
    off = [n for n in WEIGHTS if abs(ratios[n] - 1.0) >= 0.10]
    if off:
        shown = ", ".join(f"{n} ({tuple(state[n].shape)}): {ratios[n]:.2f}" for n in WEIGHTS)
        known = _known_init(state)
        what = (f"{KNOWN_VARIANCE_RATIOS[known][1]}; " if known else "")
        fail(f"build_model{STAT_SHAPE}: {what}the variance of each weight matrix, as a multiple of 2 / fan_in "
             f"with fan_in = in_features of that layer, is {shown}", mistake=known)
    for name in WEIGHTS:
        W = state[name].double()
        fan_in = W.shape[1]
        n = W.numel()
        # the mean of n draws of std s: |mean| < 10 s / sqrt(n) unless the weights are not centred
        check(abs(float(W.mean())) < 10.0 * (2.0 / fan_in) ** 0.5 / n**0.5,
              f"build_model{STAT_SHAPE}: the weights of {name} are not centred on 0")
        check(int(torch.unique(W).numel()) > n // 2,
              f"build_model{STAT_SHAPE}: the weights of {name} are not drawn at random")


def _linear_default_biases(state) -> bool:
    """Every bias drawn at random within nn.Linear's default bound 1 / sqrt(fan_in)."""
    for i in ("0", "2", "4"):
        b, fan_in = state[f"{i}.bias"].double(), state[f"{i}.weight"].shape[1]
        if float(b.abs().max()) > fan_in ** -0.5 or int(torch.unique(b).numel()) <= b.numel() // 2:
            return False
    return True


@pytest.mark.points(1)
@pytest.mark.hint("He initialisation sets every bias to exactly 0 (nn.init.zeros_); nn.Linear's own "
                  "default draws them from U(-1/sqrt(fan_in), 1/sqrt(fan_in)).")
def test_biases_are_zero(submission):
    _, state = _state(submission, STAT_SHAPE)
    for name in ("0.bias", "2.bias", "4.bias"):
        nonzero = int((state[name] != 0).sum())
        if nonzero == 0:
            continue
        message = f"build_model{STAT_SHAPE}: {nonzero} of {state[name].numel()} entries of {name} are not 0"
        mistake = None
        if _linear_default_biases(state):
            if _is_he(state):
                message += "; they look like nn.Linear's random default biases, left as they were"
                mistake = "build_model_nonzero_biases"
            elif _known_init(state) == "build_model_pytorch_default_init":
                message += "; the weights and biases look like nn.Linear's own default initialisation"
                mistake = "build_model_pytorch_default_init"
        fail(message, mistake=mistake)
