"""Biases left at nn.Linear's random default

He initialisation covers the biases too: they start at exactly 0. nn.Linear draws them from
U(-1/sqrt(fan_in), 1/sqrt(fan_in)) unless you reset them (nn.init.zeros_).
"""
from torch import nn


def build_model(in_features, hidden, n_classes):
    model = nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                          nn.Linear(hidden, n_classes))
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.kaiming_normal_(layer.weight, mode="fan_in", nonlinearity="relu")
    return model
