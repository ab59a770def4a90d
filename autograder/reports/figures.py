"""Matplotlib figures as base64 PNG, rendered off-screen for HTML feedback."""

from __future__ import annotations

import base64
import io
from typing import Any


def figure_png(figure: Any) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    figure.savefig(buf, format="png", dpi=80, bbox_inches="tight")
    plt.close(figure)
    return base64.b64encode(buf.getvalue()).decode()
