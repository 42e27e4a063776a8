"""Small checks shared by the classes that load saved state (``load_state_dict``)."""

from __future__ import annotations

import numpy as np


def whole(value, low: int = 0, high: int = 2**62) -> bool:
    """A whole number (a Python or NumPy integer, not a bool) within [low, high]."""
    return (
        isinstance(value, (int, np.integer))
        and not isinstance(value, bool)
        and low <= value <= high
    )
