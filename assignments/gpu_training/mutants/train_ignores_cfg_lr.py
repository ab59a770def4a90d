"""train ignores cfg['lr']

The learning rate comes from the caller (who may have scaled it for the effective batch with
scaled_lr). An optimizer built with a fixed lr, or with AdamW's default 1e-3, trains with the wrong
rate. Pass lr=cfg['lr'] (and weight_decay=cfg['weight_decay']) to AdamW.
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
    optimizer = torch.optim.AdamW(model.parameters(), weight_decay=cfg["weight_decay"])
    loss_fn = nn.CrossEntropyLoss()
    steps, final_loss = 0, math.nan
    start = time.perf_counter()
    for _ in range(cfg["epochs"]):
        group = []
        for batch in loader:
            group.append(batch)
            if len(group) == cfg["accum_steps"]:
                final_loss = _accumulate(model, optimizer, group, loss_fn, device, amp)
                steps, group = steps + 1, []
    return {"steps": steps, "final_loss": final_loss, "seconds": time.perf_counter() - start}
