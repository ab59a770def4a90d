"""Gradients never cleared between steps

backward() adds into .grad, which keeps its value after optimizer.step(). Without zero_grad() at the
start of a step, the gradients of every earlier step are added to the new ones. Clear them once per
step, before the first micro-batch.
"""
import torch


def accumulate_step(model, optimizer, micro_batches, loss_fn, device):
    device = torch.device(device)
    model.train()
    k = len(micro_batches)
    total = 0.0
    for x, y in micro_batches:
        loss = loss_fn(model(x.to(device)), y.to(device)) / k
        loss.backward()
        total += loss.item()
    optimizer.step()
    return total
