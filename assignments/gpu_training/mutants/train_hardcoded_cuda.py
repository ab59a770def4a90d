"""train hard-codes the 'cuda' device

Moving the model and the batches to 'cuda' by name crashes on any machine without a GPU (and ignores the
device the caller asked for). Use cfg['device'] everywhere in train.
"""
import math
import time

import torch
from torch import nn
from torch.utils.data import DataLoader


def train(model, train_set, cfg):
    device = torch.device("cuda")
    model.to(device)
    loader = DataLoader(train_set, batch_size=cfg["micro_batch"], shuffle=True, drop_last=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg["lr"], weight_decay=cfg["weight_decay"])
    loss_fn = nn.CrossEntropyLoss()
    steps, final_loss, group = 0, math.nan, []
    start = time.perf_counter()
    for _ in range(cfg["epochs"]):
        for batch in loader:
            group.append(batch)
            if len(group) == cfg["accum_steps"]:
                final_loss = _accumulate(model, optimizer, group, loss_fn, device, bool(cfg["amp"]))
                steps, group = steps + 1, []
    return {"steps": steps, "final_loss": final_loss, "seconds": time.perf_counter() - start}
