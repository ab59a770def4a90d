"""train never switches the model back to training mode

A model that was evaluated (model.eval()) stays in eval mode until model.train() is called: dropout
stays off and batch normalisation keeps using frozen running statistics during training. Call
model.train() before the training loop.
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
    steps, final_loss, k = 0, math.nan, cfg["accum_steps"]
    start = time.perf_counter()
    for _ in range(cfg["epochs"]):
        group = []
        for batch in loader:
            group.append(batch)
            if len(group) < k:
                continue
            optimizer.zero_grad()
            total = 0.0
            for x, y in group:
                with torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=amp):
                    loss = loss_fn(model(x.to(device)), y.to(device)) / k
                loss.backward()
                total += loss.item()
            optimizer.step()
            final_loss, steps, group = total, steps + 1, []
    return {"steps": steps, "final_loss": final_loss, "seconds": time.perf_counter() - start}
