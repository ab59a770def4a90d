"""Homework: compute-efficient training with PyTorch (devices, He init, gradient accumulation,
learning-rate scaling, BF16 autocast, AdamW).

Conventions:
- never write a device name ('cuda', 'cpu') anywhere except in get_device; every other function uses
  the device it is given (an argument, or cfg['device']);
- nn.Linear(in_features, out_features) stores its weight with shape (out_features, in_features) and
  computes x @ W.T + b for a batch x of shape (N, in_features);
- labels are class indices: int64 tensors of shape (N,) with values in [0, n_classes);
- return Python numbers (float, int), not tensors: use .item().

Run the public checks with:  autograder check gpu_training train.py
"""

import math
import time

import torch
from torch import nn
from torch.utils.data import DataLoader


def get_device():
    """The device to train on.

    Returns:
    - torch.device('cuda') when PyTorch can use a GPU (torch.cuda.is_available()),
      torch.device('cpu') otherwise
    """
    raise NotImplementedError


def build_model(in_features, hidden, n_classes):
    """A multilayer perceptron with He (Kaiming) initialisation.

    Inputs:
    - in_features: int D, the number of input features
    - hidden: int H, the width of both hidden layers
    - n_classes: int C, the number of classes

    Returns:
    - nn.Sequential(Linear(D, H), ReLU(), Linear(H, H), ReLU(), Linear(H, C)), on the CPU, float32,
      mapping x of shape (N, D) to logits of shape (N, C). Every weight W (shape (out, in)) is drawn
      with mean 0 and variance 2 / fan_in, fan_in = in = W.shape[1]; every bias is exactly 0.
    """
    raise NotImplementedError


def scaled_lr(base_lr, base_batch, batch):
    """The linear learning-rate scaling rule.

    Inputs:
    - base_lr: float, a learning rate that works with batches of base_batch rows
    - base_batch: int, the batch size base_lr was tuned for
    - batch: int, the (effective) batch size you will train with

    Returns:
    - float: base_lr * batch / base_batch
    """
    raise NotImplementedError


def accumulate_step(model, optimizer, micro_batches, loss_fn, device):
    """One optimizer step with gradient accumulation over k micro-batches.

    Inputs:
    - model: nn.Module, already on `device`
    - optimizer: a torch.optim optimizer over model.parameters()
    - micro_batches: list of k pairs (x, y), x of shape (B, D), y of shape (B,) int64, all with the same B
    - loss_fn: a loss that averages over its batch, e.g. nn.CrossEntropyLoss()
    - device: torch.device to move each micro-batch to

    The update must equal that of ONE step on the concatenation of the k micro-batches (k * B rows).

    Returns:
    - float: the mean loss over all k * B rows (the average of the k micro-batch losses)
    """
    raise NotImplementedError


def train(model, train_set, cfg):
    """Trains `model` in place with AdamW, gradient accumulation and (on CUDA) BF16 autocast.

    Inputs:
    - model: nn.Module mapping (N, D) inputs to (N, C) logits
    - train_set: torch.utils.data.Dataset of pairs (x of shape (D,), y an int64 class index)
    - cfg: dict with
        'epochs' (int), 'micro_batch' (int), 'accum_steps' (int),
        'lr' (float, used as given), 'weight_decay' (float),
        'amp' (bool: BF16 autocast, only when the device is CUDA), 'device' (torch.device)

    Each epoch: shuffle, cut into micro-batches of cfg['micro_batch'] rows, and take one optimizer step
    per cfg['accum_steps'] consecutive micro-batches.

    Returns:
    - dict with 'steps' (int: number of optimizer steps), 'final_loss' (float: mean loss of the last
      step) and 'seconds' (float: wall-clock time of the training loop)
    """
    raise NotImplementedError


def evaluate(model, loader, device):
    """Classification accuracy of `model` over a whole loader.

    Inputs:
    - model: nn.Module, already on `device`
    - loader: DataLoader yielding (x of shape (B, D), y of shape (B,)); the last batch may be smaller
    - device: torch.device

    Runs in eval mode and without gradient tracking.

    Returns:
    - float in [0, 1]: correctly classified rows / all rows
    """
    raise NotImplementedError
