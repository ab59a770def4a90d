"""Public checks for train.py: run them with  autograder check gpu_training train.py

Small, fast sanity checks. The graded suite goes further: it checks the
He-initialisation statistics on large layers, compares accumulated steps with
single large-batch steps to float64 rounding, trains your `train` on data you
never see and scores it on a held-out split, times it against the reference
on the same machine, and, on a GPU machine, checks BF16 autocast.

Models that your functions receive here are built from torch's own layers
inside the grading process (`submission.library(...)`), so these checks do
not depend on your build_model.
"""

import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

from autograder.testing import assert_close, check


def make_mlp(submission, sizes, weights=None, double=False):
    """Linear/ReLU stack built where your code runs; `weights` is a state_dict to load."""
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        if i:
            layers.append(submission.library("torch.nn.ReLU"))
        layers.append(submission.library("torch.nn.Linear", a, b))
    model = submission.library("torch.nn.Sequential", *layers)
    if double:
        model.double()
    if weights is not None:
        model.load_state_dict(weights)
    return model


def test_get_device(submission):
    device = submission.get_device()
    check(isinstance(device, torch.device), f"get_device() should return a torch.device, got {device!r}")
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    check(device.type == expected, f"get_device() returned {device} but torch.cuda.is_available() is "
                                   f"{torch.cuda.is_available()} here")


def test_scaled_lr_lecture_example(submission):
    # the lecture's example: batch 8 -> 32 with accumulation, so the learning rate is multiplied by 4
    assert_close(submission.scaled_lr(0.01, 8, 32), 0.04, "scaled_lr(0.01, 8, 32)")
    assert_close(submission.scaled_lr(0.01, 32, 8), 0.0025, "scaled_lr(0.01, 32, 8)")


def test_build_model_shapes_and_biases(submission):
    model = submission.build_model(4, 8, 3)
    params = model.state_dict()
    shapes = {name: tuple(t.shape) for name, t in params.items()}
    check(shapes == {"0.weight": (8, 4), "0.bias": (8,), "2.weight": (8, 8), "2.bias": (8,),
                     "4.weight": (3, 8), "4.bias": (3,)},
          f"build_model(4, 8, 3): parameter shapes {shapes}")
    for name in ("0.bias", "2.bias", "4.bias"):
        check(bool((params[name] == 0).all()), f"build_model(4, 8, 3): {name} should be all zeros")


def test_build_model_weight_scale(submission):
    params = submission.build_model(100, 300, 10).state_dict()
    w = params["2.weight"].double()  # 90,000 draws: the sample variance is within ~1 % of the truth
    ratio = float(w.pow(2).mean()) * 300 / 2
    check(0.85 < ratio < 1.15, f"build_model(100, 300, 10): the variance of 2.weight is {ratio:.2f} times "
                               "2 / fan_in (fan_in = 300)")


def test_accumulate_two_halves_equal_one_batch(submission):
    torch.manual_seed(0)
    weights = {k: v.double() for k, v in torch.nn.Sequential(
        torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 2)).state_dict().items()}
    x = torch.randn(8, 3, dtype=torch.float64)
    y = torch.tensor([0, 1, 1, 0, 1, 0, 0, 1])
    results = []
    for batches in ([(x[:4], y[:4]), (x[4:], y[4:])], [(x, y)]):
        model = make_mlp(submission, [3, 5, 2], weights, double=True)
        sgd = submission.library("torch.optim.SGD", model.parameters(), lr=1.0)
        loss = submission.accumulate_step(model, sgd, batches, submission.library("torch.nn.CrossEntropyLoss"),
                                          torch.device("cpu"))
        check(isinstance(loss, float), f"accumulate_step should return a Python float, got {type(loss)}")
        results.append((loss, model.state_dict()))
    (loss_two, after_two), (loss_one, after_one) = results
    assert_close(loss_two, loss_one, "mean loss of 2 micro-batches of 4 vs one batch of 8", rtol=1e-9)
    for name in after_one:
        assert_close(after_two[name], after_one[name],
                     f"{name} after a step on 2 micro-batches of 4 vs one batch of 8", rtol=1e-9)
    check(not torch.equal(after_one["0.weight"], weights["0.weight"]), "accumulate_step did not update the model")


def test_evaluate_by_hand(submission):
    # identity weights, zero biases: the logits are relu(x), so the prediction is the larger coordinate
    eye = {"0.weight": torch.eye(2), "0.bias": torch.zeros(2), "2.weight": torch.eye(2), "2.bias": torch.zeros(2)}
    model = make_mlp(submission, [2, 2, 2], eye)
    x = torch.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0], [1.0, 3.0], [5.0, 0.0]])
    y = torch.tensor([0, 1, 1, 1, 0])  # predictions 0, 1, 0, 1, 0: 4 of 5 right
    device = submission.get_device()
    model.to(device)
    accuracy = submission.evaluate(model, DataLoader(TensorDataset(x, y), batch_size=2), device)
    check(isinstance(accuracy, float), f"evaluate should return a Python float, got {type(accuracy)}")
    assert_close(accuracy, 0.8, "evaluate on the 5-row hand example (batches of 2, 2, 1)")


@pytest.mark.parametrize("accum", [1, 4])
def test_train_smoke(submission, accum):
    torch.manual_seed(1)
    x = torch.randn(256, 6)
    y = (x[:, 0] > 0).long()
    model = make_mlp(submission, [6, 16, 16, 2])
    cfg = {"epochs": 4, "micro_batch": 16, "accum_steps": accum, "lr": 3e-2, "weight_decay": 0.01,
           "amp": False, "device": submission.get_device()}
    report = submission.train(model, TensorDataset(x, y), cfg)
    check(isinstance(report, dict) and {"steps", "final_loss", "seconds"} <= set(report),
          f"train should return a dict with steps, final_loss and seconds, got {report!r}")
    check(report["steps"] == 4 * 256 // (16 * accum),
          f"train reported {report['steps']} steps for 4 epochs of 256 rows, micro_batch 16, accum_steps {accum}")
    check(report["final_loss"] < 0.5, f"train's final_loss is {report['final_loss']}: the model did not learn "
                                      "an easy task (the label is the sign of the first feature)")
