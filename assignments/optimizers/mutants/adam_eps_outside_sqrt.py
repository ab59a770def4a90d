"""Adam: epsilon outside the square root

This assignment follows the course slides: the update is m_hat / sqrt(v_hat + eps), epsilon INSIDE the root.
PyTorch writes sqrt(v_hat) + eps. For ordinary gradients the two agree closely; for tiny gradients v_hat is
far below eps, and then the two differ by orders of magnitude.
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
    m_hat = m / (1.0 - config["beta1"] ** t)
    v_hat = v / (1.0 - config["beta2"] ** t)
    config["m"], config["v"], config["t"] = m, v, t
    return m_hat / (np.sqrt(v_hat) + config["eps"])
