"""evaluate tracks gradients

Without torch.no_grad() (or torch.inference_mode()) every forward pass in evaluate records an autograd
graph that is never used: memory and time wasted, and on a large model an out-of-memory error.
Wrap the evaluation loop in torch.no_grad().
"""
import torch


def evaluate(model, loader, device):
    device = torch.device(device)
    model.eval()
    correct, total = 0, 0
    for x, y in loader:
        x, y = x.to(device), y.to(device)
        correct += int((model(x).argmax(dim=1) == y).sum())
        total += y.shape[0]
    return correct / total
