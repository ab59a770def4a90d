"""Reference solution for the `gpu_training` assignment (PyTorch).

A small multilayer perceptron trained the way large models are trained on
GPUs: device-agnostic code, He (Kaiming) initialisation, gradient
accumulation to reach a large effective batch on little memory, the linear
learning-rate scaling rule, BF16 autocast and AdamW.

Nothing here names a device: ``get_device`` decides once, and every other
function takes the device it should use as an argument (or in ``cfg``), so
the same file runs on a laptop's CPU and on a GPU node.
"""

from __future__ import annotations

import math
import time
from typing import Any, Sequence

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

Batch = tuple[torch.Tensor, torch.Tensor]


def get_device() -> torch.device:
    """The GPU when PyTorch can use one, else the CPU; asked at run time, never hard-coded."""
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def build_model(in_features: int, hidden: int, n_classes: int) -> nn.Sequential:
    """Linear(in, hidden) - ReLU - Linear(hidden, hidden) - ReLU - Linear(hidden, n_classes).

    Every weight is drawn from N(0, 2 / fan_in) (He / Kaiming normal, "fan_in"
    mode, ReLU gain sqrt(2)) and every bias is zero. PyTorch stores a Linear
    weight as (out_features, in_features), so fan_in is ``weight.shape[1]``.
    The factor 2 compensates for ReLU zeroing half of its inputs: the second
    moment of the activations then stays the same from layer to layer.
    PyTorch's own default (Kaiming uniform with a = sqrt(5), i.e. variance
    1 / (3 fan_in), and non-zero biases) is deliberately replaced.
    """
    model = nn.Sequential(
        nn.Linear(in_features, hidden), nn.ReLU(),
        nn.Linear(hidden, hidden), nn.ReLU(),
        nn.Linear(hidden, n_classes),
    )
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.kaiming_normal_(layer.weight, mode="fan_in", nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    return model


def scaled_lr(base_lr: float, base_batch: int, batch: int) -> float:
    """Linear scaling rule: k times the batch, k times the learning rate.

    A step on a batch k times larger averages k times as many gradients, so
    its noise is smaller and one such step stands in for about k small ones;
    multiplying the learning rate by k keeps the distance travelled per
    sample seen the same (Goyal et al., 2017, for SGD).
    """
    return float(base_lr) * float(batch) / float(base_batch)


def _accumulate(model: nn.Module, optimizer: torch.optim.Optimizer, micro_batches: Sequence[Batch],
                loss_fn: nn.Module, device: torch.device, amp: bool) -> float:
    """One optimizer step over ``micro_batches``; returns the mean of their losses.

    Each micro-batch loss is a mean over its rows; dividing it by the number
    k of micro-batches before ``backward`` makes the gradients that
    ``backward`` adds up in ``.grad`` the mean over all k * B rows, i.e. the
    gradient of one big batch. Gradients are cleared once, before the first
    micro-batch, and the optimizer steps once, after the last. With ``amp``
    the forward pass and the loss run under BF16 autocast (CUDA only); the
    backward pass runs outside it, as PyTorch recommends.
    """
    model.train()
    optimizer.zero_grad(set_to_none=True)
    k = len(micro_batches)
    total = torch.zeros((), device=device, dtype=torch.float64)
    for x, y in micro_batches:
        x, y = x.to(device), y.to(device)
        with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=amp):
            loss = loss_fn(model(x), y) / k
        loss.backward()
        total += loss.detach().double()
    optimizer.step()
    return float(total.item())  # one host-device synchronisation per step, not per micro-batch


def accumulate_step(model: nn.Module, optimizer: torch.optim.Optimizer, micro_batches: Sequence[Batch],
                    loss_fn: nn.Module, device: torch.device) -> float:
    """One optimizer step whose gradient is that of the concatenation of ``micro_batches``.

    ``micro_batches`` is a list of ``(x, y)`` pairs of equal size B: ``x`` is
    (B, in_features), ``y`` is (B,) class indices. ``loss_fn`` averages over
    its batch (``nn.CrossEntropyLoss()``). Returns the mean loss over all the
    rows as a Python float.
    """
    return _accumulate(model, optimizer, micro_batches, loss_fn, torch.device(device), amp=False)


def train(model: nn.Module, train_set: Dataset, cfg: dict[str, Any]) -> dict[str, Any]:
    """Trains ``model`` in place with AdamW; returns ``steps``, ``final_loss`` and ``seconds``.

    ``cfg``: ``epochs``, ``micro_batch``, ``accum_steps``, ``lr``,
    ``weight_decay``, ``amp``, ``device``. Each epoch shuffles the data into
    micro-batches of ``micro_batch`` rows (an incomplete last micro-batch is
    dropped) and takes one optimizer step per ``accum_steps`` consecutive
    micro-batches (an incomplete last group is dropped too), so every step
    sees exactly ``micro_batch * accum_steps`` rows. ``cfg['lr']`` is used as
    given: scaling it for the effective batch is the caller's business
    (``scaled_lr``). BF16 autocast is used when ``cfg['amp']`` is true and
    the device is a GPU; on the CPU training runs in float32.

    ``steps`` is the number of optimizer steps, ``final_loss`` the mean loss
    of the last step, ``seconds`` the wall-clock time of the training loop
    (after the GPU has finished its queued work).
    """
    device = torch.device(cfg.get("device") or get_device())
    accum = int(cfg["accum_steps"])
    amp = bool(cfg.get("amp", False)) and device.type == "cuda"
    model.to(device)
    loader = DataLoader(train_set, batch_size=int(cfg["micro_batch"]), shuffle=True, drop_last=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=float(cfg["lr"]),
                                  weight_decay=float(cfg["weight_decay"]))
    loss_fn = nn.CrossEntropyLoss()
    steps, final_loss = 0, math.nan

    if device.type == "cuda":
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    for _ in range(int(cfg["epochs"])):
        group: list[Batch] = []
        for batch in loader:
            group.append(batch)
            if len(group) == accum:
                final_loss = _accumulate(model, optimizer, group, loss_fn, device, amp)
                steps += 1
                group = []
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    seconds = time.perf_counter() - start
    return {"steps": steps, "final_loss": final_loss, "seconds": seconds}


@torch.no_grad()
def evaluate(model: nn.Module, loader: DataLoader, device: torch.device) -> float:
    """Fraction of the rows of ``loader`` whose arg-max logit is the label, in [0, 1].

    Runs in eval mode (dropout off, batch-norm running statistics) and
    without building an autograd graph. Counts correct rows over the whole
    set rather than averaging per-batch accuracies, which would overweight
    a smaller last batch.
    """
    device = torch.device(device)
    model.eval()
    correct = torch.zeros((), dtype=torch.int64, device=device)
    total = 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        correct += (model(x).argmax(dim=1) == y).sum()
        total += y.shape[0]
    return float(correct.item()) / total if total else 0.0
