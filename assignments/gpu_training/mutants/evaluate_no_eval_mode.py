"""evaluate does not switch the model to eval mode

A model handed to evaluate may still be in training mode. Dropout then keeps dropping units and batch
normalisation uses (and updates!) the statistics of the evaluation batches, so the accuracy is that of a
different network. Call model.eval() before the first batch.
"""
import torch


@torch.no_grad()
def evaluate(model, loader, device):
    device = torch.device(device)
    correct, total = 0, 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        correct += int((model(x).argmax(dim=1) == y).sum())
        total += y.shape[0]
    return correct / total
