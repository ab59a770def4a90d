"""accumulate_step: k micro-batches must give exactly the step of one batch k times larger.

Everything runs in float64 on the CPU with plain SGD (no momentum), where
"exactly" means to rounding: the gradient of a mean over k * B rows equals
the average of k micro-batch mean gradients up to the order of a float64 sum
(relative 1e-15), so 1e-10 separates correct code from every mistake by many
orders of magnitude. SGD is used on purpose: Adam divides the gradient by its
own running scale, which hides a gradient that is k times too large.

Two oracles:
- a property: the student's step on k micro-batches equals the student's
  own step on their concatenation (no reference involved);
- a value: the weights after two consecutive steps equal those of the
  reference run here on an identical copy (catches a step that does nothing,
  or gradients that are never cleared).

The model and the optimizer live in the worker, so these calls cannot be
replayed on the mutants for diagnosis. Instead, when a comparison fails, the
known mistakes are run here on float64 copies of the same network and the
one that gives the student's weights (to the same tolerance) is named.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from torch import nn

from autograder.testing import assert_close, assert_scalar, check, fail

D, H, C = 6, 16, 3
CPU = torch.device("cpu")
TOL = {"rtol": 1e-10, "atol": 1e-13}


def _batches(rng: np.random.Generator, k: int, B: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    return [(torch.tensor(rng.normal(size=(B, D)), dtype=torch.float64),
             torch.tensor(rng.integers(0, C, size=B), dtype=torch.int64)) for _ in range(k)]


def _concat(batches):
    return [(torch.cat([x for x, _ in batches]), torch.cat([y for _, y in batches]))]


def _sgd(submission, model, lr, momentum=0.0):
    return submission.library("torch.optim.SGD", model.parameters(), lr=lr, momentum=momentum)


def _loss_fn(submission):
    return submission.library("torch.nn.CrossEntropyLoss")


def _compare(got: dict, want: dict, what: str) -> None:
    for name in want:
        assert_close(got[name].double(), want[name].double(), f"{name} after {what}", **TOL)


def _same(got: dict, want: dict) -> bool:
    return all(torch.allclose(got[n].double(), want[n].double(), rtol=TOL["rtol"], atol=TOL["atol"]) for n in want)


def _weights(model: nn.Module) -> dict:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


# The known mistakes, replayed here on the judge's own copy of the network: the student's weights are
# compared with each one's after a failed check (the calls cannot be replayed on the mutants themselves,
# since the model and the optimizer live in the worker).
def _mistaken_step(mistake: str, model: nn.Module, opt: torch.optim.Optimizer, batches) -> None:
    loss_fn, k = nn.CrossEntropyLoss(), len(batches)
    if mistake == "accumulate_loss_not_divided":
        opt.zero_grad()
        for x, y in batches:
            loss_fn(model(x), y).backward()
        opt.step()
    elif mistake == "accumulate_zero_grad_per_micro_batch":
        for x, y in batches:
            opt.zero_grad()
            (loss_fn(model(x), y) / k).backward()
        opt.step()
    elif mistake == "accumulate_step_per_micro_batch":
        for x, y in batches:
            opt.zero_grad()
            (loss_fn(model(x), y) / k).backward()
            opt.step()
    elif mistake == "accumulate_never_zero_grad":
        for x, y in batches:
            (loss_fn(model(x), y) / k).backward()
        opt.step()
    else:
        raise ValueError(mistake)


MISTAKES = {
    "accumulate_loss_not_divided":
        "the weights moved exactly as if the micro-batch gradients were added up instead of averaged: "
        "the step is k times too long (each micro-batch loss must be divided by k before backward())",
    "accumulate_zero_grad_per_micro_batch":
        "the weights moved exactly as if only the LAST micro-batch's gradient reached the optimizer step: "
        "the gradients are cleared before every micro-batch, not once before the first",
    "accumulate_step_per_micro_batch":
        "the weights moved exactly as if the optimizer stepped after every micro-batch (k small steps) "
        "instead of once after the last one",
    "accumulate_never_zero_grad":
        "the weights moved exactly as if the gradients of the previous call were still in .grad: they are "
        "never cleared at the start of a step",
}


class _Mistakes:
    """Each known mistake's run of the same calls on a float64 copy of the network in the judge."""

    def __init__(self, nets, state, lr: float, momentum: float = 0.0) -> None:
        self.runs = {}
        for mistake in MISTAKES:
            model = nets.local(D, H, C, state, double=True)
            self.runs[mistake] = (model, torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum))

    def step(self, batches) -> None:
        for mistake, (model, opt) in self.runs.items():
            _mistaken_step(mistake, model, opt, batches)

    def matching(self, got: dict, correct: dict) -> str | None:
        """The known mistake that gives exactly the student's weights (and not the correct ones)."""
        for mistake, (model, _) in self.runs.items():
            theirs = _weights(model)
            if _same(got, theirs) and not _same(theirs, correct):
                return mistake
        return None


@pytest.mark.points(3)
@pytest.mark.hint("Clear the gradients once before the first micro-batch, divide each micro-batch loss by the "
                  "number of micro-batches k before backward() (each loss is already a mean over its B rows), "
                  "let backward() add up the gradients, and call optimizer.step() once after the last "
                  "micro-batch. Then k micro-batches give the same update as one batch of k * B rows.")
@pytest.mark.parametrize("k,B", [pytest.param(4, 8, id="k4-B8"), pytest.param(3, 5, id="k3-B5")])
def test_accumulation_equals_one_big_batch(submission, reference, nets, rng, seed, k, B):
    state = nets.he(D, H, C, seed, bias_scale=0.1)
    accumulated = nets.remote(D, H, C, state, double=True)
    single = nets.remote(D, H, C, state, double=True)
    batches = _batches(rng, k, B)
    loss_fn = _loss_fn(submission)
    submission.accumulate_step(accumulated, _sgd(submission, accumulated, 0.5), batches, loss_fn, CPU)
    submission.accumulate_step(single, _sgd(submission, single, 0.5), _concat(batches), loss_fn, CPU)
    got, want = nets.fetch(accumulated), nets.fetch(single)
    check(any(not torch.equal(got[n], state[n].double()) for n in got),
          f"accumulate_step with {k} micro-batches of {B} rows did not change the weights (no optimizer step?)")
    what = (f"one accumulate_step over {k} micro-batches of {B} rows, compared with your own step on the single "
            f"batch of their {k * B} rows (SGD, lr 0.5, float64)")
    if not _same(got, want):
        mistakes = _Mistakes(nets, state, lr=0.5)
        mistakes.step(batches)
        correct = nets.local(D, H, C, state, double=True)
        reference.accumulate_step(correct, torch.optim.SGD(correct.parameters(), lr=0.5), batches,
                                  nn.CrossEntropyLoss(), CPU)
        known = mistakes.matching(got, _weights(correct))
        if known:
            fail(f"{what}: {MISTAKES[known]}", mistake=known)
    _compare(got, want, what)


@pytest.mark.points(2)
@pytest.mark.hint("accumulate_step must start from clean gradients (optimizer.zero_grad() or "
                  "model.zero_grad() before the first micro-batch): gradients left over from the previous "
                  "step would otherwise be added to the new ones. And it takes exactly one optimizer step.")
def test_two_steps_match_reference(submission, reference, nets, rng, seed):
    state = nets.he(D, H, C, seed, bias_scale=0.1)
    model = nets.remote(D, H, C, state, double=True)
    local = nets.local(D, H, C, state, double=True)
    opt = _sgd(submission, model, 0.3, momentum=0.9)
    local_opt = torch.optim.SGD(local.parameters(), lr=0.3, momentum=0.9)
    loss_fn = _loss_fn(submission)
    mistakes = _Mistakes(nets, state, lr=0.3, momentum=0.9)
    for step in (1, 2):
        batches = _batches(rng, 3, 6)
        submission.accumulate_step(model, opt, batches, loss_fn, CPU)
        reference.accumulate_step(local, local_opt, batches, nn.CrossEntropyLoss(), CPU)
        mistakes.step(batches)
        got, want = nets.fetch(model), _weights(local)
        what = (f"accumulate_step call {step} of 2 (3 micro-batches of 6 rows, SGD with momentum 0.9, the same "
                "optimizer for both calls)")
        if not _same(got, want):
            known = mistakes.matching(got, want)
            if known:
                fail(f"{what}: {MISTAKES[known]}", mistake=known)
        _compare(got, want, what)


@pytest.mark.points(1)
@pytest.mark.hint("Return the mean loss over all the rows of the step as a Python float: with equal "
                  "micro-batches that is the average of the k micro-batch losses (use .item(), and add up "
                  "detached values so no autograd graph is kept).")
def test_returns_mean_loss(submission, reference, nets, rng, seed):
    state = nets.he(D, H, C, seed, bias_scale=0.1)
    model = nets.remote(D, H, C, state, double=True)
    local = nets.local(D, H, C, state, double=True)
    batches = _batches(rng, 4, 5)
    got = submission.accumulate_step(model, _sgd(submission, model, 0.1), batches, _loss_fn(submission), CPU)
    want = reference.accumulate_step(local, torch.optim.SGD(local.parameters(), lr=0.1), batches,
                                     nn.CrossEntropyLoss(), CPU)
    label = "the value returned by accumulate_step (4 micro-batches of 5 rows, float64)"
    check(isinstance(got, float) and not isinstance(got, bool),
          f"{label}: expected a Python float, got a value of type {getattr(got, 'type_name', type(got).__name__)}")
    assert_scalar(got, want, label, **TOL)
