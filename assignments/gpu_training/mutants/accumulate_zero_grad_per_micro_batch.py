"""Gradients cleared inside the accumulation loop

Calling zero_grad() before every micro-batch throws away what the earlier micro-batches added: only the
last one reaches the optimizer step. Clear the gradients once, before the first micro-batch.
"""
import torch


def accumulate_step(model, optimizer, micro_batches, loss_fn, device):
    device = torch.device(device)
    model.train()
    k = len(micro_batches)
    total = 0.0
    for x, y in micro_batches:
        optimizer.zero_grad()
        loss = loss_fn(model(x.to(device)), y.to(device)) / k
        loss.backward()
        total += loss.item()
    optimizer.step()
    return total
