"""Micro-batch losses not divided by the number of micro-batches

backward() ADDS each micro-batch's gradient into .grad. Each loss is a mean over its B rows, so after k
micro-batches .grad holds k times the gradient of the mean over all k * B rows: the step is k times too
long. Divide each micro-batch loss by k before backward(). (With Adam the mistake hardly shows, since Adam
rescales the gradient; with SGD it multiplies the learning rate by k.)
"""
import torch


def accumulate_step(model, optimizer, micro_batches, loss_fn, device):
    device = torch.device(device)
    model.train()
    optimizer.zero_grad()
    total = 0.0
    for x, y in micro_batches:
        loss = loss_fn(model(x.to(device)), y.to(device))
        loss.backward()
        total += loss.item()
    optimizer.step()
    return total / len(micro_batches)
