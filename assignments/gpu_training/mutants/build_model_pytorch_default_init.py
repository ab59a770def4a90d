"""PyTorch's default initialisation kept instead of He initialisation

nn.Linear initialises itself with a uniform distribution of variance 1 / (3 fan_in) (kaiming_uniform_
with a = sqrt(5)) and random biases. For a deep ReLU network that is too small: the signal shrinks from
layer to layer. He initialisation uses variance 2 / fan_in and zero biases; apply it to every Linear
layer after building the model.
"""
from torch import nn


def build_model(in_features, hidden, n_classes):
    return nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                         nn.Linear(hidden, n_classes))
