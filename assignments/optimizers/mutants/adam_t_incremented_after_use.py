"""Adam: t counted from 1 and incremented after use

config['t'] is the number of updates already made: 0 before the first call. Each call first increments it
and then uses the new value in the bias corrections. Starting t at 1 and incrementing after the update
gives the same first steps, but the stored count is one too high, and a config resumed from a saved state
(say t = 7 after seven updates) uses t = 7 instead of 8.
"""
import numpy as np


def _adam_direction(dw, config):
    m = config.get("m")
    v = config.get("v")
    if m is None:
        m = np.zeros_like(dw, dtype=np.float64)
    if v is None:
        v = np.zeros_like(dw, dtype=np.float64)
    t = config.get("t", 1)
    m = config["beta1"] * m + (1.0 - config["beta1"]) * dw
    v = config["beta2"] * v + (1.0 - config["beta2"]) * dw * dw
    m_hat = m / (1.0 - config["beta1"] ** t)
    v_hat = v / (1.0 - config["beta2"] ** t)
    config["m"], config["v"], config["t"] = m, v, t + 1
    return m_hat / np.sqrt(v_hat + config["eps"])
