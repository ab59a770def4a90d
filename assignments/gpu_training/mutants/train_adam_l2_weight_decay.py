"""Adam with L2 weight_decay instead of AdamW

torch.optim.Adam(weight_decay=...) adds weight_decay * w to the gradient, and Adam then divides that by
its running gradient scale: the decay becomes an adaptive, non-uniform penalty (L2 regularisation). AdamW
(Loshchilov & Hutter) decouples it: w <- w * (1 - lr * weight_decay) at each step, outside the Adam
update. Use torch.optim.AdamW.
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
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"])
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
