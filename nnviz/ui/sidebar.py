"""The sidebar: data, network and training settings, drawn from the settings table.

Each setting's label, help, range and widget kind come from its row in
``nnviz.app.settings.SETTINGS``; this module only says where each one goes (``LAYOUT``)
and which widget a kind is drawn with (``_draw``). A classroom link's fixed settings are
shown read-only. Returns the Settings the widgets show.
"""

from __future__ import annotations

import streamlit as st

from ..app.settings import CUSTOM, Setting, Settings, setting
from ..data import PRESETS
from . import state

SS = st.session_state

#: sections of the sidebar, each a list of rows of setting names (side by side)
LAYOUT = {
    "Data": [("dataset",), ("inputs",), ("targets",), ("scaling", "target_max")],
    "Network": [("hidden",), ("activation", "output_activation"), ("init", "seed"),
                ("bias",)],
    "Training": [("loss", "optimizer"), ("learning_rate",), ("batch_size", "momentum"),
                 ("l1", "l2")],
}
#: a setting that only means something when another one has a value
ENABLED_WHEN = {"target_max": ("scaling", "max"), "momentum": ("optimizer", "momentum")}
SPEEDS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


def _options(s: Setting) -> list:
    if s.name == "dataset":
        return list(PRESETS) + ([CUSTOM] if SS.dataset == CUSTOM else [])
    if s.name in ("inputs", "targets"):
        columns = [c for c in SS[state.TABLE].columns if c != "split"]
        SS[s.name] = [c for c in SS[s.name] if c in columns]  # columns a new table dropped
        return columns if s.name == "inputs" else [c for c in columns if c not in SS.inputs]
    return list(s.choices)


def _dataset_title(name: str) -> str:
    return PRESETS[name].title if name in PRESETS else "Your table"


def _draw(s: Setting) -> None:
    """One setting's widget, by its kind (a classroom link's fixed ones read-only)."""
    fixed = state.hidden(s.name)
    condition = ENABLED_WHEN.get(s.name)
    disabled = fixed or (condition is not None and SS.get(condition[0]) != condition[1])
    common = dict(key=s.name, help=s.help or None, disabled=disabled)
    if s.widget == "select":
        extra = {}
        if s.name == "dataset":
            extra = dict(on_change=state.load_dataset, format_func=_dataset_title)
        st.selectbox(s.label, _options(s), **common, **extra)
    elif s.widget == "columns":
        st.multiselect(s.label, _options(s), **common)
    elif s.widget == "layers":
        st.slider(s.label, 0, s.max_items, key="n_hidden", disabled=fixed)
        n = int(SS.n_hidden)
        if n:
            cols = st.columns(min(n, 3))
            for i in range(n):
                SS.setdefault(f"neurons_{i}", 4)
                cols[i % len(cols)].number_input(
                    f"Layer {i + 1}", int(s.min), int(s.max), key=f"neurons_{i}",
                    step=int(s.step), help=s.help, disabled=fixed)
    elif s.widget == "checkbox":
        st.checkbox(s.label, **common)
    elif s.widget in ("number", "integer"):
        st.number_input(s.label, **s.widget_args(), **common)
    elif s.widget == "log_slider":
        # a link may carry a rate between the ladder's stops: it joins the ladder, unchanged
        stops = tuple(sorted({*s.ladder, float(SS[s.name])}))
        st.select_slider(s.label, stops, format_func=lambda v: f"{v:g}", **common)
    else:  # pragma: no cover - a new widget kind needs its widget here
        raise ValueError(f"no widget for kind {s.widget!r} ({s.name})")


def _section(title: str, rows) -> None:
    st.subheader(title)
    for row in rows:
        cols = st.columns(len(row)) if len(row) > 1 else [st.container()]
        for col, name in zip(cols, row):
            with col:
                _draw(setting(name))
            if name == "dataset" and SS.dataset in PRESETS:
                st.caption(PRESETS[SS.dataset].description)


def play_section() -> None:
    st.subheader("Play")
    st.select_slider("Speed (steps per refresh)", SPEEDS, key="speed")
    c1, c2 = st.columns(2)
    c1.number_input("Stop at iteration", min_value=0, step=100, key="stop_at",
                    help="0: play until paused.")
    c2.number_input("Stop below loss", min_value=0.0, step=0.001, format="%.4f",
                    key="target_loss", help="0: no target.")


def sidebar() -> Settings:
    SS.setdefault("speed", 100)
    SS.setdefault("stop_at", 0)
    SS.setdefault("target_loss", 0.0)
    with st.sidebar:
        if SS.get(state.CLASSROOM):
            st.info("Classroom exercise: the greyed-out settings are fixed by the link.",
                    icon=":material/school:")
        for title, rows in LAYOUT.items():
            _section(title, rows)
        play_section()
    return state.read_settings()
