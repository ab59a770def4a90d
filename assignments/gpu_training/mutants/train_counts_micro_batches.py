"""'steps' counts micro-batches instead of optimizer steps

With gradient accumulation, accum_steps micro-batches make ONE optimizer step. The report's 'steps' is
the number of optimizer steps (parameter updates): n // (micro_batch * accum_steps) per epoch.
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
    micro_batches, final_loss = 0, math.nan
    start = time.perf_counter()
    for _ in range(cfg["epochs"]):
        group = []
        for batch in loader:
            group.append(batch)
            micro_batches += 1
            if len(group) == cfg["accum_steps"]:
                final_loss = _accumulate(model, optimizer, group, loss_fn, device, amp)
                group = []
    return {"steps": micro_batches, "final_loss": final_loss, "seconds": time.perf_counter() - start}
