"""Adam: no bias correction

m and v start at zero, so in the first steps they are much smaller than the gradient statistics they
estimate. Adam divides them by 1 - beta1**t and 1 - beta2**t (m_hat and v_hat) before using them; without
that correction the first steps have the wrong size (with the default betas the first one is about three
times too large).
"""
import numpy as np


def _adam_direction(dw, config):
    m = config.get("m")
    v = config.get("v")
    if m is None:
        m = np.zeros_like(dw, dtype=np.float64)
    if v is None:
        v = np.zeros_like(dw, dtype=np.float64)
    t = config.get("t", 0) + 1
    m = config["beta1"] * m + (1.0 - config["beta1"]) * dw
    v = config["beta2"] * v + (1.0 - config["beta2"]) * dw * dw
    config["m"], config["v"], config["t"] = m, v, t
    return m / np.sqrt(v + config["eps"])
