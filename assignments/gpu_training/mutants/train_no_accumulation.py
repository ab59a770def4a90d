"""train steps after every micro-batch (no gradient accumulation)

cfg['accum_steps'] micro-batches make one optimizer step: the effective batch is micro_batch *
accum_steps, and cfg['lr'] was chosen for it. Stepping after every micro-batch takes accum_steps times
as many steps, each on a batch accum_steps times smaller.
"""
import math
import time

import torch
from torch import nn
from torch.utils.data import DataLoader


def train(model, train_set, cfg):
    device = torch.device(cfg["device"])
    amp = bool(cfg["amp"]) and device.type == "cuda"
    model.to(device)
    loader = DataLoader(train_set, batch_size=cfg["micro_batch"], shuffle=True, drop_last=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"])
    loss_fn = nn.CrossEntropyLoss()
    steps, final_loss = 0, math.nan
    start = time.perf_counter()
    for _ in range(cfg["epochs"]):
        for batch in loader:
            final_loss = _accumulate(model, optimizer, [batch], loss_fn, device, amp)
            steps += 1
    return {"steps": steps, "final_loss": final_loss, "seconds": time.perf_counter() - start}
