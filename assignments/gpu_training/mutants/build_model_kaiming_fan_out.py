"""Kaiming initialisation in fan_out mode

He initialisation for the forward pass scales by the number of INPUTS of a unit, fan_in. nn.Linear
stores its weight as (out_features, in_features), so fan_in is weight.shape[1]; mode='fan_out' (or
using weight.shape[0]) preserves the variance of the gradients instead.
"""
from torch import nn


def build_model(in_features, hidden, n_classes):
    model = nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                          nn.Linear(hidden, n_classes))
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.kaiming_normal_(layer.weight, mode="fan_out", nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    return model
