"""A row to step through a sequence: Back, a slider of the step (1 … n) and Next.

The step lives in the session under ``key`` and is kept while another tab is open
(only the open tab is built, so its slider is not always drawn)."""

from __future__ import annotations

import numpy as np
import streamlit as st

SS = st.session_state


def _move(key: str, delta: int, n: int) -> None:
    SS[key] = int(np.clip(int(SS.get(key, 1)) + delta, 1, n))


def stepper(key: str, n: int, *, label: str, back_key: str, next_key: str) -> int:
    """Draw the row for steps 1 … ``n``; the step shown (kept within 1 … n)."""
    SS[key] = int(np.clip(int(SS.get(key, 1)), 1, n))
    c1, c2, c3 = st.columns([1, 6, 1])
    c1.button(
        "Back",
        key=back_key,
        icon=":material/chevron_left:",
        on_click=_move,
        args=(key, -1, n),
        width="stretch",
        disabled=SS[key] == 1,
    )
    c2.slider(label, 1, n, key=key, format="%d", label_visibility="collapsed", persist_state="page")
    c3.button(
        "Next",
        key=next_key,
        icon=":material/chevron_right:",
        on_click=_move,
        args=(key, 1, n),
        width="stretch",
        disabled=SS[key] == n,
    )
    return SS[key]
