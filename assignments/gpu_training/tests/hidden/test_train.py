"""train: held-out accuracy, the report, the step count, time and throughput, AdamW, device and BF16.

The main training run (module fixture ``trained``) starts from weights drawn
here, with the worker's torch seed fixed, on the training split of the
session's problem; the trained weights come back and are scored on the
held-out split in this process. Everything about timing is measured here,
around the call, never taken from the student's own report.

Tests marked "needs a CUDA GPU" are skipped on a machine without one.

The model lives in the worker, so a failed check cannot be replayed on the
mutants: the checks name the known mistake themselves where the observed
behaviour is specific to it (the factor the weights shrank by with all-zero
gradients, how often the weights change between micro-batches, a CUDA
error on a CPU run).
"""

from __future__ import annotations

import contextlib
import math
import time
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from torch.utils.data import TensorDataset

from autograder.judge.errors import StudentCodeError
from autograder.testing import assert_close, check, fail

CUDA = torch.cuda.is_available()
NEEDS_GPU = "needs a CUDA GPU: this grading machine has none, so the test is skipped and counts 0 points"
# On the CPU a correct train (DataLoader, .to(device), AdamW) runs at about the reference's speed; the two
# runs share a machine with other jobs, so single timings can be off by 2x. A ratio of the best of two runs
# each, against a floor of 0.3, passes every reasonable implementation and still catches one that is several
# times slower (per-row Python loops, re-copying the data every step, training on the CPU on a GPU machine).
THROUGHPUT_FLOOR = 0.3


def _type(value) -> str:
    return getattr(value, "type_name", None) or type(value).__name__


@contextlib.contextmanager
def _judge_threads(n: int):
    """The worker runs torch on one thread; the reference is timed under the same condition."""
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _train(submission, model, data, cfg: dict):
    """submission.train; a crash that comes from using CUDA where cfg['device'] is the CPU is named as such."""
    try:
        return submission.train(model, data, cfg)
    except StudentCodeError as exc:
        if torch.device(cfg["device"]).type == "cpu" and "cuda" in str(exc).lower():
            fail(f"train(...) was asked to run on the CPU (cfg['device'] = cpu) but used CUDA. {exc.feedback()}",
                 mistake="train_hardcoded_cuda")
        raise


@pytest.fixture(scope="module")
def trained(submission, problem, nets, assignment):
    state = nets.he(problem.D, problem.hidden, problem.C, assignment.seed)
    model = nets.remote(problem.D, problem.hidden, problem.C, state)
    submission.library("torch.manual_seed", assignment.seed)
    cfg = dict(problem.cfg)
    start = time.perf_counter()
    report = _train(submission, model, TensorDataset(problem.X_train, problem.y_train), cfg)
    wall = time.perf_counter() - start
    local = nets.local(problem.D, problem.hidden, problem.C, {k: v.float() for k, v in nets.fetch(model).items()})
    with torch.no_grad():
        logits = local(problem.X_test)
        initial = nets.local(problem.D, problem.hidden, problem.C, state)
        initial_loss = float(torch.nn.functional.cross_entropy(initial(problem.X_train), problem.y_train))
    accuracy = float((logits.argmax(dim=1) == problem.y_test).double().mean())
    return SimpleNamespace(model=model, report=report, wall=wall, accuracy=accuracy, cfg=problem.cfg,
                           initial_loss=initial_loss, finite=bool(torch.isfinite(logits).all()))


def _report(trained) -> dict:
    report = trained.report
    if not isinstance(report, dict):
        fail(f"train(model, train_set, cfg): expected a dict, got a value of type {_type(report)}")
    missing = [k for k in ("steps", "final_loss", "seconds") if k not in report]
    check(not missing, f"train(...): the returned dict lacks {missing}")
    return report


@pytest.mark.points(4)
@pytest.mark.hint("train must actually fit the model: AdamW over model.parameters() with cfg['lr'] and "
                  "cfg['weight_decay'], micro-batches of cfg['micro_batch'] rows drawn from train_set in a "
                  "fresh shuffled order every epoch, one optimizer step per cfg['accum_steps'] micro-batches, "
                  "for cfg['epochs'] epochs, on cfg['device']. A correct loop reaches a held-out accuracy "
                  "well above the threshold.")
def test_heldout_accuracy(trained, problem):
    check(trained.finite, "the trained model produces inf or nan logits on the held-out data")
    check(trained.accuracy >= problem.accuracy_floor,
          f"after train(...), the model classifies {trained.accuracy:.3f} of the held-out rows correctly "
          f"(data you never saw); at least {problem.accuracy_floor:.2f} is needed ({problem.C} classes, "
          f"{len(problem.y_train)} training rows, {problem.cfg['epochs']} epochs)")


@pytest.mark.points(1)
@pytest.mark.hint("Return a dict with 'steps' (an int), 'final_loss' (a Python float: the mean loss of the "
                  "last optimizer step, via .item()) and 'seconds' (a float: the wall-clock time of the "
                  "training loop, e.g. time.perf_counter() differences).")
def test_report(trained):
    report = _report(trained)
    steps, loss, seconds = report["steps"], report["final_loss"], report["seconds"]
    check(isinstance(steps, int) and not isinstance(steps, bool),
          f"train(...)['steps']: expected an int, got a value of type {_type(steps)}")
    for key, value in (("final_loss", loss), ("seconds", seconds)):
        check(isinstance(value, (float, int)) and not isinstance(value, bool),
              f"train(...)['{key}']: expected a Python float, got a value of type {_type(value)}")
        check(math.isfinite(value), f"train(...)['{key}'] is {value!r}")
    check(0.0 < loss < 0.8 * trained.initial_loss,
          f"train(...)['final_loss'] = {loss:.4g} is not the loss of a model that has been trained (it should "
          "be positive and well below the loss at the start)")
    check(0.0 < seconds <= trained.wall + 0.05,
          f"train(...)['seconds'] = {seconds:.4g}, but the whole call took {trained.wall:.3g} s")


@pytest.mark.points(2)
@pytest.mark.hint("'steps' counts optimizer steps, not micro-batches: with accum_steps micro-batches per step, "
                  "an epoch of n rows gives n // (micro_batch * accum_steps) steps (the grader uses sizes where "
                  "this divides exactly).")
def test_step_count(trained, problem, submission, nets, hooks, rng, seed):
    steps = _report(trained)["steps"]
    want = problem.expected_steps(len(problem.y_train), problem.cfg)
    cfg = problem.cfg
    message = (f"train(...)['steps'] = {steps!r} for {len(problem.y_train)} rows, micro_batch {cfg['micro_batch']}, "
               f"accum_steps {cfg['accum_steps']} and {cfg['epochs']} epochs")
    if steps != want and steps == cfg["epochs"] * (len(problem.y_train) // cfg["micro_batch"]):
        # that is the number of micro-batches: watch a small run to see whether train also STEPS that often
        forwards, updates, groups = _updates_between_forwards(submission, nets, hooks, rng, seed)
        if updates == groups - 1:
            fail(f"{message}, the number of micro-batches; the weights do change once per accum_steps "
                 "micro-batches, but 'steps' counts the micro-batches instead of the optimizer steps",
                 mistake="train_counts_micro_batches")
        if updates == forwards - 1:
            fail(f"{message}, the number of micro-batches, and on a small run the weights changed between any "
                 "two micro-batches: train takes an optimizer step after every micro-batch instead of one per "
                 "accum_steps micro-batches", mistake="train_no_accumulation")
    check(steps == want, message)


class _WeightLog:
    """A forward hook that copies the first layer's weight every time the layer runs."""

    def __init__(self) -> None:
        self.seen: list[torch.Tensor] = []

    def __call__(self, module, inputs, output) -> None:
        self.seen.append(module.weight.detach().cpu().clone())


def _updates_between_forwards(submission, nets, hooks, rng, seed) -> tuple[int, int, int]:
    """(forward passes, times the weights changed between two of them, accumulation groups) of a small run."""
    model, data, n = _small_task(nets, rng, seed)
    log = _WeightLog()
    hooks(model.get_submodule("0"), log)
    cfg = {"epochs": 1, "micro_batch": 16, "accum_steps": 4, "lr": 1e-3, "weight_decay": 0.01, "amp": False,
           "device": torch.device("cuda" if CUDA else "cpu")}
    _train(submission, model, data, cfg)
    updates = sum(not torch.equal(a, b) for a, b in zip(log.seen, log.seen[1:]))
    return len(log.seen), updates, n // (cfg["micro_batch"] * cfg["accum_steps"])


@pytest.mark.points(1)
@pytest.mark.hint("The time budget is generous: a plain loop over a DataLoader takes well under it. Look for "
                  "per-row Python loops or work repeated every step.")
def test_time_budget(trained, problem):
    check(trained.wall <= problem.time_budget_s,
          f"train(...) took {trained.wall:.1f} s for a task with a budget of {problem.time_budget_s:.0f} s")


@pytest.mark.points(1)
@pytest.mark.hint("train must move the model (and every batch) to cfg['device'], the device the caller asks "
                  "for; do not call get_device() or name a device inside train.")
def test_model_on_cfg_device(trained, nets):
    where = nets.device_of(trained.model)
    check(isinstance(where, torch.device) and where.type == trained.cfg["device"].type,
          f"after train(...) with cfg['device'] = {trained.cfg['device']}, the model's weights are on {where}")


@pytest.mark.points(2)
@pytest.mark.hint("Measured here on the same machine and data as the reference: if your train is several "
                  "times slower, look for per-row Python loops, tensors rebuilt or copied every step, "
                  "host-device synchronisation in every micro-batch, or training on the CPU when a GPU is "
                  "present.")
def test_throughput(submission, reference, problem, nets, assignment):
    data = TensorDataset(problem.X_train, problem.y_train)
    state = nets.he(problem.D, problem.hidden, problem.C, assignment.seed + 1)
    dims = (problem.D, problem.hidden, problem.C)
    # warm-up, not timed: the first kernels, allocations and (on a GPU) CUDA context of each process
    n_warm = 8 * problem.cfg["micro_batch"] * problem.cfg["accum_steps"]
    warm_data = TensorDataset(problem.X_train[:n_warm], problem.y_train[:n_warm])
    warm_cfg = {**problem.cfg, "epochs": 1}
    _train(submission, nets.remote(*dims, state), warm_data, dict(warm_cfg))
    with _judge_threads(1):
        reference.train(nets.local(*dims, state), warm_data, dict(warm_cfg))
    mine, theirs = [], []
    for _ in range(2):  # interleaved, best of two each: a burst of load elsewhere hits both or neither
        model = nets.remote(*dims, state)
        start = time.perf_counter()
        _train(submission, model, data, dict(problem.cfg))
        mine.append(time.perf_counter() - start)
        local = nets.local(*dims, state)
        with _judge_threads(1):
            start = time.perf_counter()
            reference.train(local, data, dict(problem.cfg))
            theirs.append(time.perf_counter() - start)
    samples = problem.cfg["epochs"] * len(data)
    rate, ref_rate = samples / min(mine), samples / min(theirs)
    check(rate >= THROUGHPUT_FLOOR * ref_rate,
          f"train(...) processed {rate:,.0f} samples/s, {rate / ref_rate:.2f} times the reference's rate measured "
          f"in the same run on the same {problem.cfg['device'].type.upper()} (at least {THROUGHPUT_FLOOR} is "
          "needed)")


@pytest.mark.points(3)
@pytest.mark.hint("Use torch.optim.AdamW(model.parameters(), lr=cfg['lr'], weight_decay=cfg['weight_decay']) "
                  "with cfg's values as given. AdamW decays the weights directly, w <- w * (1 - lr * "
                  "weight_decay) every step, separately from the Adam update; torch.optim.Adam's weight_decay "
                  "instead adds weight_decay * w to the gradient, which Adam then rescales (L2 regularisation, "
                  "not weight decay). This test also needs the right number of optimizer steps.")
def test_decoupled_weight_decay(submission, nets, rng, seed):
    # All-zero inputs: with zero biases every hidden unit sits at ReLU's kink, so the gradient of every
    # weight matrix is exactly 0 and Adam's update for it is exactly 0. Only AdamW's decoupled decay moves
    # them, by the factor (1 - lr * weight_decay) per optimizer step.
    D, H, C, N = 10, 24, 4, 512
    cfg = {"epochs": 2, "micro_batch": 16, "accum_steps": 4, "lr": 0.05, "weight_decay": 0.2, "amp": False,
           "device": torch.device("cuda" if CUDA else "cpu")}
    steps = cfg["epochs"] * N // (cfg["micro_batch"] * cfg["accum_steps"])
    state = nets.he(D, H, C, seed)
    model = nets.remote(D, H, C, state)
    data = TensorDataset(torch.zeros(N, D), torch.tensor(rng.integers(0, C, size=N), dtype=torch.int64))
    _train(submission, model, data, cfg)
    final = nets.fetch(model)
    lr, wd, names = cfg["lr"], cfg["weight_decay"], ("0.weight", "2.weight", "4.weight")
    what = (f"train(...) on {N} all-zero input rows (lr {lr}, weight_decay {wd}, {cfg['epochs']} epochs, "
            f"micro_batch {cfg['micro_batch']}, accum_steps {cfg['accum_steps']}), where the weights' gradients "
            "are exactly 0")

    def moved_to(targets: dict, rtol: float = 1e-4, atol: float = 1e-6) -> bool:
        return all(torch.allclose(final[n].double(), targets[n].double(), rtol=rtol, atol=atol) for n in names)

    def shrunk_by(factor: float) -> dict:
        return {n: state[n].double() * factor for n in names}

    factor = (1.0 - lr * wd) ** steps
    if not moved_to(shrunk_by(factor)):
        if moved_to(shrunk_by(1.0)):
            if not torch.equal(final["4.bias"], state["4.bias"]):  # the last bias has a gradient: it trained
                fail(f"{what}: the weight matrices did not change at all while the last layer's bias was trained, "
                     "so no weight decay was applied", mistake="train_adam_no_weight_decay")
            fail(f"{what}: no parameter changed at all (was any optimizer step taken?)")
        if moved_to(shrunk_by((1.0 - 1e-3 * wd) ** steps)):
            fail(f"{what}: the weight matrices shrank by a common factor, as decoupled weight decay makes them, "
                 "but far less than lr * weight_decay per optimizer step implies: the optimizer is not using "
                 "cfg['lr'] (the shrinkage matches AdamW's default learning rate)", mistake="train_ignores_cfg_lr")
        if moved_to(shrunk_by((1.0 - lr * wd) ** (steps * cfg["accum_steps"]))):
            fail(f"{what}: the weight matrices shrank as if accum_steps times as many optimizer steps had been "
                 "taken: one step per micro-batch instead of one per accum_steps micro-batches",
                 mistake="train_no_accumulation")
        if moved_to(_adam_l2(state, names, lr, wd, steps), rtol=1e-3, atol=1e-5):
            fail(f"{what}: the weight matrices moved, but not by a common factor: the decay went through Adam's "
                 "rescaling of the gradient (torch.optim.Adam's weight_decay is L2 regularisation), instead of "
                 "AdamW's decoupled w <- w * (1 - lr * weight_decay)", mistake="train_adam_l2_weight_decay")
    for name in names:
        assert_close(final[name].double(), shrunk_by(factor)[name], f"{name} after {what}", rtol=1e-4, atol=1e-6)


def _adam_l2(state: dict, names, lr: float, wd: float, steps: int) -> dict:
    """The weights after `steps` steps of torch.optim.Adam(weight_decay=wd) with zero loss gradients."""
    params = [state[n].detach().clone().float().requires_grad_() for n in names]
    opt = torch.optim.Adam(params, lr=lr, weight_decay=wd)
    for _ in range(steps):
        for p in params:
            p.grad = torch.zeros_like(p)
        opt.step()
    return {n: p.detach() for n, p in zip(names, params)}


def _small_task(nets, rng, seed, D=10, H=24, C=4, N=256):
    state = nets.he(D, H, C, seed)
    X = torch.tensor(rng.normal(size=(N, D)), dtype=torch.float32)
    y = torch.tensor(rng.integers(0, C, size=N), dtype=torch.int64)
    return nets.remote(D, H, C, state), TensorDataset(X, y), N


@pytest.mark.points(1)
@pytest.mark.hint("Put the model in training mode (model.train()) before the training loop: the model handed "
                  "to train may be in eval mode, e.g. after an evaluate() call.")
def test_trains_in_train_mode(submission, nets, hooks, rng, seed):
    model, data, n = _small_task(nets, rng, seed)
    model.eval()
    flags = []
    hooks(model.get_submodule("0"), lambda module, inputs, output: flags.append(module.training))
    cfg = {"epochs": 1, "micro_batch": 32, "accum_steps": 2, "lr": 1e-3, "weight_decay": 0.01, "amp": False,
           "device": torch.device("cuda" if CUDA else "cpu")}
    _train(submission, model, data, cfg)
    micro_batches = n // cfg["micro_batch"]
    if flags and not any(flags):
        fail(f"train(...) on a model left in eval mode: none of its {len(flags)} forward passes ran in training "
             "mode (model.training was False)", mistake="train_no_train_mode")
    check(sum(flags) >= micro_batches,
          f"train(...) on a model left in eval mode: only {sum(flags)} of its {len(flags)} forward passes ran in "
          f"training mode ({micro_batches} micro-batches)")


# ---------------------------------------------------------------------------- GPU only
def _layer_dtypes(submission, nets, hooks, rng, seed, amp: bool):
    if not CUDA:
        pytest.skip(NEEDS_GPU)
    model, data, n = _small_task(nets, rng, seed, N=1024)
    dtypes = []
    for i in ("0", "2", "4"):
        hooks(model.get_submodule(i), lambda module, inputs, output: dtypes.append(output.dtype))
    cfg = {"epochs": 1, "micro_batch": 64, "accum_steps": 2, "lr": 1e-3, "weight_decay": 0.01, "amp": amp,
           "device": torch.device("cuda")}
    _train(submission, model, data, cfg)
    return dtypes, 3 * (n // cfg["micro_batch"])


@pytest.mark.points(2)
@pytest.mark.hint("With cfg['amp'] true on a CUDA device, run the forward pass and the loss under "
                  "torch.autocast(device_type='cuda', dtype=torch.bfloat16): the Linear layers then compute in "
                  "BF16. Leave backward() and optimizer.step() outside the autocast block.")
def test_bf16_autocast_on_cuda(submission, nets, hooks, rng, seed):
    dtypes, needed = _layer_dtypes(submission, nets, hooks, rng, seed, amp=True)
    bf16 = sum(d == torch.bfloat16 for d in dtypes)
    check(bf16 >= needed, f"train(...) with cfg['amp'] = True on CUDA: {bf16} of the {len(dtypes)} Linear "
                          f"outputs were bfloat16 ({needed} forward passes of Linear layers were expected in BF16)")


@pytest.mark.points(1)
@pytest.mark.hint("cfg['amp'] = False means full float32 training: no autocast at all.")
def test_amp_off_is_float32_on_cuda(submission, nets, hooks, rng, seed):
    dtypes, needed = _layer_dtypes(submission, nets, hooks, rng, seed, amp=False)
    check(len(dtypes) >= needed and all(d == torch.float32 for d in dtypes),
          f"train(...) with cfg['amp'] = False on CUDA: {sum(d != torch.float32 for d in dtypes)} of the "
          f"{len(dtypes)} Linear outputs were not float32")


@pytest.mark.points(1)
@pytest.mark.hint("train must use cfg['device'] even when a GPU is present: the caller may want the CPU.")
def test_cpu_device_honoured_on_gpu_host(submission, nets, rng, seed):
    if not CUDA:
        pytest.skip(NEEDS_GPU)
    model, data, _ = _small_task(nets, rng, seed)
    cfg = {"epochs": 1, "micro_batch": 32, "accum_steps": 2, "lr": 1e-3, "weight_decay": 0.01, "amp": True,
           "device": torch.device("cpu")}
    _train(submission, model, data, cfg)
    where = nets.device_of(model)
    check(isinstance(where, torch.device) and where.type == "cpu",
          f"train(...) with cfg['device'] = cpu on a GPU machine left the model's weights on {where}",
          mistake="train_hardcoded_cuda" if isinstance(where, torch.device) and where.type == "cuda" else None)
