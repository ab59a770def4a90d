"""Xavier (Glorot) initialisation instead of He (Kaiming)

Xavier's variance 2 / (fan_in + fan_out) is derived for symmetric activations such as tanh. ReLU zeroes
half of its inputs, which halves the second moment at every layer; He initialisation compensates with
variance 2 / fan_in.
"""
from torch import nn


def build_model(in_features, hidden, n_classes):
    model = nn.Sequential(nn.Linear(in_features, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                          nn.Linear(hidden, n_classes))
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.xavier_normal_(layer.weight)
            nn.init.zeros_(layer.bias)
    return model
