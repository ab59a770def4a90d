"""optimizer.step() after every micro-batch

Gradient accumulation takes ONE optimizer step after the last micro-batch, with the gradient of all of
them. Stepping after each micro-batch makes k small steps, each at a different point, which is not the
step of the large batch (and counts k steps instead of one).
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
        optimizer.step()
        total += loss.item()
    return total
