"""evaluate: the accuracy over a whole loader, in eval mode, without gradient tracking.

The model gets weights drawn here, and the labels are made from the judge's
own predictions: a known number of rows is labelled wrong, all of them in
the first batches, so the smaller last batch is all correct and averaging
per-batch accuracies (instead of counting over the whole set) is visibly
wrong. How the student's code runs is observed from inside: a forward hook
on the first layer calls back into the grader, which reads the layer's
``training`` flag and PyTorch's grad mode at that moment in the worker.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from autograder.testing import assert_scalar, check, fail

D, H, C = 10, 32, 4
N, BATCH, WRONG = 1000, 96, 230  # 10 batches of 96 and a last one of 40


def _task(nets, rng, seed):
    state = nets.he(D, H, C, seed, bias_scale=0.1)
    local = nets.local(D, H, C, state)
    X = torch.tensor(rng.normal(size=(N, D)), dtype=torch.float32)
    with torch.no_grad():
        pred = local(X).argmax(dim=1)
    y = pred.clone()
    y[:WRONG] = (pred[:WRONG] + torch.tensor(rng.integers(1, C, size=WRONG))) % C
    with torch.no_grad():
        hits = (local(X).argmax(dim=1) == y).double()
    accuracy = float(hits.mean())
    # what averaging the per-batch accuracies gives (the last batch is smaller and all correct)
    batch_mean = float(torch.stack([b.mean() for b in hits.split(BATCH)]).mean())
    return state, X, y, accuracy, batch_mean


def _device():
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


@pytest.mark.points(3)
@pytest.mark.hint("Count the correctly classified rows (argmax of the logits over the class dimension equals "
                  "the label) over the WHOLE loader and divide by the number of rows; do not average the "
                  "accuracies of the batches, the last batch may be smaller. Return a Python float.")
def test_accuracy(submission, nets, rng, seed):
    state, X, y, accuracy, batch_mean = _task(nets, rng, seed)
    model = nets.remote(D, H, C, state)
    model.to(_device())  # evaluate receives a model that already lives on the device
    loader = DataLoader(TensorDataset(X, y), batch_size=BATCH, shuffle=False)
    label = f"evaluate(model, loader, device) on {N} rows in batches of {BATCH}"
    got = submission.evaluate(model, loader, _device())
    check(isinstance(got, float) and not isinstance(got, bool),
          f"{label}: expected a Python float, got a value of type {getattr(got, 'type_name', type(got).__name__)}")
    check(0.0 <= got <= 1.0, f"{label}: an accuracy lies in [0, 1], got {got!r}")
    # one row of slack: float32 rounding may flip a near-tie between two logits
    slack = 1.0 / N + 1e-12
    if abs(got - accuracy) > slack and abs(got - batch_mean) <= slack:
        fail(f"{label}: the value returned is the mean of the per-batch accuracies, which gives each row of the "
             f"smaller last batch ({N % BATCH} rows) more weight than the others; count the correct rows over "
             "the whole loader instead", mistake="evaluate_mean_of_batch_accuracies")
    assert_scalar(got, accuracy, label, rtol=0.0, atol=slack)


def _observe(submission, nets, hooks, rng, seed, record):
    state, X, y, _, _ = _task(nets, rng, seed)
    model = nets.remote(D, H, C, state)
    model.to(_device())
    model.train()  # as it would be in the middle of training
    hooks(model.get_submodule("0"), record)
    submission.evaluate(model, DataLoader(TensorDataset(X, y), batch_size=250), _device())


@pytest.mark.points(1)
@pytest.mark.hint("Call model.eval() at the start of evaluate: dropout and batch normalisation behave "
                  "differently in training and in evaluation, and a model handed to evaluate may be in "
                  "training mode (train() switches it back with model.train()).")
def test_runs_in_eval_mode(submission, nets, hooks, rng, seed):
    flags = []
    _observe(submission, nets, hooks, rng, seed, lambda module, inputs, output: flags.append(module.training))
    check(flags, "evaluate never ran the model forward on the loader's batches")
    check(not any(flags), f"the model was in training mode during {sum(flags)} of the {len(flags)} forward "
                          "passes of evaluate (model.training was True)", mistake="evaluate_no_eval_mode")


@pytest.mark.points(1)
@pytest.mark.hint("Run the forward passes of evaluate under torch.no_grad() (or torch.inference_mode()): "
                  "without it PyTorch records an autograd graph for every batch, which costs memory and time "
                  "and is never used.")
def test_runs_without_grad(submission, nets, hooks, rng, seed):
    modes = []
    grad_enabled = lambda module, inputs, output: modes.append(submission.library("torch.is_grad_enabled"))  # noqa: E731
    _observe(submission, nets, hooks, rng, seed, grad_enabled)
    check(modes, "evaluate never ran the model forward on the loader's batches")
    check(not any(modes), f"gradient tracking was on during {sum(modes)} of the {len(modes)} forward passes "
                          "of evaluate (torch.is_grad_enabled() was True)", mistake="evaluate_grad_enabled")
