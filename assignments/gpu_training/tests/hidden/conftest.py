"""Shared pieces of the hidden suite: the data, the judge's own MLP, models in the worker.

The data is a seeded Gaussian mixture: each of C classes is a union of 6
Gaussian clusters in D dimensions, so no linear classifier separates it
(about 0.6 accuracy) while the reference MLP reaches about 0.94 after two
epochs. The training split goes to the student's ``train``; the held-out
split never leaves this process: the trained weights come back as a
``state_dict`` and are scored here, on the judge's own copy of the network.

Problem size follows the judge's device. Without CUDA the whole suite runs
on the CPU with a small problem (a few thousand rows, two epochs, well under
a second per training run); with a GPU it trains a wider net on 16 times the
data, which is what the throughput comparison is about there.

Models handed to the student's ``accumulate_step``, ``train`` and
``evaluate`` are NOT built by the student's ``build_model``: they are built
in the worker from torch's own layers and given weights drawn here, so a
mistake in ``build_model`` is charged in its own tests only, and every run
starts from the same weights.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, Callable

import numpy as np
import pytest
import torch
from torch import nn

CUDA = torch.cuda.is_available()
DEVICE = torch.device("cuda" if CUDA else "cpu")
NEEDS_GPU = "needs a CUDA GPU: this grading machine has none, so this test is skipped (0 points either way)"


@dataclass
class Problem:
    """One classification task, its sizes and the training configuration the graded tests use."""

    D: int
    C: int
    hidden: int
    X_train: torch.Tensor
    y_train: torch.Tensor
    X_test: torch.Tensor  # held out: never sent to the worker
    y_test: torch.Tensor
    cfg: dict
    accuracy_floor: float
    time_budget_s: float

    def expected_steps(self, n: int, cfg: dict) -> int:
        return cfg["epochs"] * (n // (cfg["micro_batch"] * cfg["accum_steps"]))


def gaussian_mixture(rng: np.random.Generator, n: int, centres: np.ndarray, C: int, noise: float
                     ) -> tuple[torch.Tensor, torch.Tensor]:
    comp = rng.integers(0, len(centres), size=n)
    X = centres[comp] + noise * rng.normal(size=(n, centres.shape[1]))
    return torch.tensor(X, dtype=torch.float32), torch.tensor(comp % C, dtype=torch.int64)


@pytest.fixture(scope="session")
def problem(assignment) -> Problem:
    rng = np.random.default_rng([assignment.seed, 1])
    D, C, per_class = 10, 4, 6
    centres = rng.normal(0.0, 1.0, size=(C * per_class, D))
    if CUDA:
        n_train, hidden, micro, accum, base = 65536, 256, 256, 2, 64
        budget = 60.0
    else:
        n_train, hidden, micro, accum, base = 4096, 64, 32, 4, 32
        # the reference needs about 0.3 s here; the budget leaves room for a loaded grading machine
        budget = 30.0
    X_train, y_train = gaussian_mixture(rng, n_train, centres, C, 0.5)
    X_test, y_test = gaussian_mixture(rng, 8192, centres, C, 0.5)
    batch = micro * accum
    cfg = {"epochs": 2, "micro_batch": micro, "accum_steps": accum,
           "lr": 1e-3 * batch / base,  # the linear scaling rule from base_lr = 1e-3 at batch `base`
           "weight_decay": 0.01, "amp": True, "device": DEVICE}
    return Problem(D, C, hidden, X_train, y_train, X_test, y_test, cfg, accuracy_floor=0.88,
                   time_budget_s=budget)


def judge_mlp(D: int, H: int, C: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(D, H), nn.ReLU(), nn.Linear(H, H), nn.ReLU(), nn.Linear(H, C))


def he_weights(D: int, H: int, C: int, seed: int, bias_scale: float = 0.0) -> dict[str, torch.Tensor]:
    """A state_dict for judge_mlp: N(0, 2 / fan_in) weights, biases zero (or small, for forward checks)."""
    gen = torch.Generator().manual_seed(int(seed) % (2**63))
    sd = {}
    for i, (fan_in, fan_out) in zip((0, 2, 4), ((D, H), (H, H), (H, C))):
        sd[f"{i}.weight"] = torch.randn(fan_out, fan_in, generator=gen) * (2.0 / fan_in) ** 0.5
        sd[f"{i}.bias"] = torch.randn(fan_out, generator=gen) * bias_scale
    return sd


@pytest.fixture(scope="session")
def nets(submission) -> SimpleNamespace:
    """Builders for the judge's networks and for networks that live in the worker."""

    def remote(D: int, H: int, C: int, state: dict[str, torch.Tensor], double: bool = False) -> Any:
        """nn.Sequential(Linear, ReLU, Linear, ReLU, Linear) built in the worker from torch's layers."""
        lib = submission.library
        model = lib("torch.nn.Sequential", lib("torch.nn.Linear", D, H), lib("torch.nn.ReLU"),
                    lib("torch.nn.Linear", H, H), lib("torch.nn.ReLU"), lib("torch.nn.Linear", H, C))
        if double:
            model.double()
            state = {k: v.double() for k, v in state.items()}
        model.load_state_dict(state)
        return model

    def local(D: int, H: int, C: int, state: dict[str, torch.Tensor], double: bool = False) -> nn.Sequential:
        model = judge_mlp(D, H, C)
        if double:
            model.double()
            state = {k: v.double() for k, v in state.items()}
        model.load_state_dict(state)
        return model

    def fetch(model: Any) -> dict[str, torch.Tensor]:
        """The worker model's parameters, copied to the judge (on the CPU)."""
        state = model.state_dict()
        return {k: v.detach().cpu() for k, v in state.items()}

    def device_of(model: Any) -> torch.device:
        """Where the worker model's first weight lives (read in the worker; a copied tensor forgets it)."""
        return submission.library("operator.attrgetter", "0.weight.device")(model)

    return SimpleNamespace(remote=remote, local=local, fetch=fetch, device_of=device_of, he=he_weights)


@pytest.fixture
def hooks() -> Callable:
    """``hooks(layer_handle, record)``: a forward hook on a worker layer; removed after the test."""
    handles = []

    def add(layer: Any, record: Callable) -> Any:
        handle = layer.register_forward_hook(record)
        handles.append(handle)
        return handle

    yield add
    for h in handles:
        try:
            h.remove()
        except Exception:  # noqa: BLE001 - the worker may have been restarted by a timeout
            pass
