"""get_device and scaled_lr: plain values, compared exactly.

Both are pure functions of their arguments (and of the machine), so these
calls are replayed on the known mistakes to name the student's one.
"""

from __future__ import annotations

import pytest
import torch

from autograder.testing import assert_scalar, check


@pytest.mark.points(2)
@pytest.mark.hint("get_device must ask PyTorch at run time whether a GPU can be used "
                  "(torch.cuda.is_available()) and return torch.device('cuda') only then, "
                  "torch.device('cpu') otherwise. The grading machine may have no GPU.")
def test_get_device_follows_availability(submission):
    got = submission.get_device()
    check(isinstance(got, torch.device),
          f"get_device(): expected a torch.device, got a value of type {getattr(got, 'type_name', type(got).__name__)}")
    want = "cuda" if torch.cuda.is_available() else "cpu"
    check(got.type == want,
          f"get_device() returned a '{got.type}' device on a machine where torch.cuda.is_available() is "
          f"{torch.cuda.is_available()}")


LR_CASES = [  # (base_lr, base_batch, batch): the slide's x4, a non-integer ratio, scaling down, no change
    pytest.param(0.1, 8, 32, id="x4"),
    pytest.param(3e-4, 64, 96, id="x1.5"),
    pytest.param(0.02, 512, 128, id="x0.25"),
    pytest.param(1e-3, 256, 256, id="x1"),
]


@pytest.mark.points(1)
@pytest.mark.hint("Linear scaling rule: multiplying the batch size by k = batch / base_batch multiplies the "
                  "learning rate by k, so scaled_lr = base_lr * batch / base_batch. The ratio need not be an "
                  "integer, and a smaller batch scales the rate down.")
@pytest.mark.parametrize("base_lr,base_batch,batch", LR_CASES)
def test_scaled_lr(submission, reference, base_lr, base_batch, batch):
    label = f"scaled_lr(base_lr={base_lr:g}, base_batch={base_batch}, batch={batch})"
    got = submission.scaled_lr(base_lr, base_batch, batch)
    check(isinstance(got, float), f"{label}: expected a Python float, got a value of type {type(got).__name__}")
    assert_scalar(got, reference.scaled_lr(base_lr, base_batch, batch), label, rtol=1e-12, atol=0.0)
