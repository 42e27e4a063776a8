"""The sidebar: data, network and training settings, drawn from the settings table.

Each setting's label, help, range and widget kind come from its row in
``nnviz.app.settings.SETTINGS`` (Play's in ``PLAY_SETTINGS``); this module only says
where each one goes (``LAYOUT``, ``PLAY_LAYOUT``) and which widget a kind is drawn with
(``DRAW``: one function per kind). A classroom link's fixed settings are shown
read-only. Returns the Settings the widgets show.

Derived input features (``features``, under Inputs): for a table with two input columns,
TensorFlow Playground's seven inputs as toggles (``feature_toggles``: X1, X2, X1², X2²,
X1·X2, sin X1, sin X2, labelled with the real names; X1 and X2 are the inputs
themselves), a box for any expression (``new_feature``) and the features as chips
(``features``: remove one with its ×). A feature whose column stops being an input is
dropped, with a note.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from ..app.features import (
    PLAYGROUND_INPUTS,
    column_ref,
    fit_features,
    playground_expressions,
    playground_label,
    same_feature,
    with_feature,
)
from ..app.kinds import Checkbox, Choice, Columns, Features, Integer, Layers, LogSlider, Number
from ..app.settings import CUSTOM, PLAY_SETTINGS, Setting, Settings, setting
from ..data import PRESETS, parse_feature
from ..errors import DataError
from ..quoting import visible
from . import state
from .text import md

SS = st.session_state

#: sections of the sidebar, each a list of rows of setting names (side by side)
LAYOUT = {
    "Data": [
        ("dataset",),
        ("inputs",),
        ("features",),
        ("targets",),
        ("problem",),
        ("scaling", "target_max"),
        ("gaps",),
    ],
    "Network": [("hidden",), ("activation", "output_activation"), ("init", "seed"), ("bias",)],
    "Training": [
        ("loss", "optimizer"),
        ("learning_rate",),
        ("batch_size", "momentum"),
        ("l1", "l2"),
    ],
}
#: Play's settings (PLAY_SETTINGS), in rows
PLAY_LAYOUT = [("speed",), ("stop_at", "target_loss"), ("target_accuracy",)]
PLAY = {s.name: s for s in PLAY_SETTINGS}
#: a setting that only means something when another one has a value
ENABLED_WHEN = {"target_max": ("scaling", "max"), "momentum": ("optimizer", "momentum")}
FEATURE_ERROR = "_feature_error"  # why the expression in the feature box was not added


def _options(s: Setting) -> list:
    if s.name == "dataset":
        return list(PRESETS) + ([CUSTOM] if SS.dataset == CUSTOM else [])
    if s.name in ("inputs", "targets"):
        columns = _columns()
        return columns if s.name == "inputs" else [c for c in columns if c not in SS.inputs]
    return list(s.kind.choices)


def _dataset_title(name: str) -> str:
    return PRESETS[name].title if name in PRESETS else "Your table"


def _draw(s: Setting) -> None:
    """One setting's widget, by its kind (a classroom link's fixed ones read-only)."""
    fixed = state.hidden(s.name)
    condition = ENABLED_WHEN.get(s.name)
    disabled = fixed or (condition is not None and SS.get(condition[0]) != condition[1])
    DRAW[type(s.kind)](s, disabled)


def _common(s: Setting, disabled: bool) -> dict:
    return dict(key=s.name, help=s.help or None, disabled=disabled)


#: how a choice is shown, where its value is not the words a person reads
CHOICE_LABELS = {
    "problem": {
        "auto": "auto (as the output)",
        "classification": "classification",
        "regression": "regression",
    },
    "gaps": {"drop": "leave the rows out", "mean": "fill with the column's mean"},
}


def _choice(s: Setting, disabled: bool) -> None:
    extra = {}
    if s.name == "dataset":
        extra = dict(on_change=state.load_dataset, format_func=_dataset_title)
    elif s.name in CHOICE_LABELS:
        extra = dict(format_func=lambda v, labels=CHOICE_LABELS[s.name]: labels.get(v, v))
    st.selectbox(s.label, _options(s), **_common(s, disabled), **extra)


def _columns_widget(s: Setting, disabled: bool) -> None:
    # a column's name as the characters it holds (no bidirectional control reorders it)
    st.multiselect(s.label, _options(s), format_func=visible, **_common(s, disabled))


def _layers(s: Setting, disabled: bool) -> None:
    """How many hidden layers (a slider), then the neurons of each (up to three a row)."""
    fixed = state.hidden(s.name)
    layers = s.kind
    st.slider(s.label, 0, layers.max_items, key="n_hidden", disabled=fixed)
    n = int(SS.n_hidden)
    if n:
        cols = st.columns(min(n, 3))
        for i in range(n):
            SS.setdefault(f"neurons_{i}", layers.new_layer)
            cols[i % len(cols)].number_input(
                f"Layer {i + 1}",
                int(layers.min),
                int(layers.max),
                key=f"neurons_{i}",
                step=int(layers.step),
                help=s.help,
                disabled=fixed,
            )


def _checkbox(s: Setting, disabled: bool) -> None:
    st.checkbox(s.label, **_common(s, disabled))


def _number(s: Setting, disabled: bool) -> None:
    st.number_input(s.label, **s.widget_args(), **_common(s, disabled))


def _log_slider(s: Setting, disabled: bool) -> None:
    # a link may carry a value between the ladder's stops: it joins the ladder, unchanged
    stops = s.kind.stops(SS[s.name])
    st.select_slider(s.label, stops, format_func=lambda v: f"{v:g}", **_common(s, disabled))


# ---------------------------------------------------------------------------- features
def _columns() -> list:
    return [c for c in SS[state.TABLE].columns if c != "split"]


def _playground_pair() -> tuple | None:
    """The two columns the playground's toggles are over: the table's columns that are
    not targets, if there are exactly two (else None: no toggles)."""
    candidates = [c for c in _columns() if c not in SS.get("targets", ())]
    return tuple(candidates) if len(candidates) == 2 else None


def _toggles_on(pair: tuple) -> list:
    """The toggles the inputs and features make: X1 is on when its column is an input,
    X1² when a feature computes the same column (typed ``x1 ** 2`` counts too)."""
    inputs, features = list(SS.inputs), list(SS.features)
    on = []
    for toggle, text in playground_expressions(*pair).items():
        if PLAYGROUND_INPUTS[toggle][0] == "column":
            if text in inputs:
                on.append(toggle)
        elif any(same_feature(f, text, inputs) for f in features):
            on.append(toggle)
    return on


def _toggle(pair: tuple) -> None:
    """on_change of the toggles: the inputs and features they now say (a feature's column
    becomes an input if it was not: a feature can only use input columns)."""
    chosen = set(SS.get("feature_toggles") or ())
    was = set(_toggles_on(pair))
    inputs, features = list(SS.inputs), list(SS.features)
    expressions = playground_expressions(*pair)
    for toggle, text in expressions.items():
        kind = PLAYGROUND_INPUTS[toggle][0]
        if toggle in chosen and toggle not in was:
            if kind == "column":
                inputs = [c for c in pair if c in inputs or c == text]  # in table order
                continue
            for c in (pair[j] for j in parse_feature(text, pair).used):
                if c not in inputs:
                    inputs = [d for d in pair if d in inputs or d == c]
                    state.note(f"The feature {text} uses {c}: {c} is an input again.")
            features.append(text)
        elif toggle in was and toggle not in chosen:
            if kind == "column":
                inputs.remove(text)
            else:
                features = [f for f in features if not same_feature(f, text, inputs)]
    SS.inputs, SS.features = inputs, features
    SS[FEATURE_ERROR] = ""


def _add_feature() -> None:
    """on_change of the feature box (and its + button): add the expression if it is a
    feature the network can take; else say why and keep the features as they were."""
    text = str(SS.get("new_feature") or "").strip()
    if not text:
        SS[FEATURE_ERROR] = ""
        return
    try:
        SS.features = list(with_feature(SS.features, text, SS.inputs, SS[state.TABLE]))
    except DataError as exc:
        SS[FEATURE_ERROR] = str(exc)
        return
    SS[FEATURE_ERROR] = ""
    SS.new_feature = ""


def _features(s: Setting, disabled: bool) -> None:
    """The features' widgets, under Inputs (see the module's docstring)."""
    kept = list(SS.get(s.name) or [])  # made to fit the inputs by normalize()
    pair = _playground_pair()
    if pair is not None:
        SS.feature_toggles = _toggles_on(pair)
        st.pills(
            "Playground inputs",
            list(playground_expressions(*pair)),
            key="feature_toggles",
            selection_mode="multi",
            on_change=_toggle,
            args=(pair,),
            disabled=disabled,
            format_func=lambda t: md(playground_label(t, *pair)),
            help="TensorFlow Playground's inputs, in one click each: the two columns "
            "themselves and five features computed from them.",
        )
    st.multiselect(
        s.label,
        list(kept),
        key=s.name,
        disabled=disabled or not kept,
        placeholder="none yet",
        help=s.help,
    )
    SS.setdefault("new_feature", "")
    left, right = st.columns([5, 1], vertical_alignment="bottom", gap="small")
    ref = column_ref(SS.inputs[0]) if SS.inputs else "x1"
    left.text_input(
        "Add a feature",
        key="new_feature",
        on_change=_add_feature,
        disabled=disabled,
        placeholder=_feature_example(ref),
        help="Any expression over the input columns: numbers, + - * / **, "
        "( ), sin cos tan tanh exp log sqrt abs. Write a name with spaces "
        "or symbols in backquotes, like `hours studied`.",
    )
    right.button(
        "",
        key="add_feature",
        icon=":material/add:",
        on_click=_add_feature,
        disabled=disabled,
        help="Add the feature",
        width="stretch",
    )
    if SS.get(FEATURE_ERROR):
        st.error(md(SS[FEATURE_ERROR]), icon=":material/error:")


#: one draw per kind of widget (a new kind of setting needs its draw here)
DRAW = {
    Choice: _choice,
    Columns: _columns_widget,
    Features: _features,
    Layers: _layers,
    Checkbox: _checkbox,
    Number: _number,
    Integer: _number,
    LogSlider: _log_slider,
}

PLACEHOLDER_CHARS = 25  # what the feature box shows in full, in the sidebar's width


def _feature_example(ref: str) -> str:
    """The feature box's example, over the first input, short enough to be seen whole."""
    examples = (f"e.g. sin({ref}) or {ref}**3", f"e.g. {ref}**2", f"{ref}**2")
    return next((e for e in examples if len(e) <= PLACEHOLDER_CHARS), "an expression")


def _section(title: str, rows) -> None:
    st.subheader(title)
    for row in rows:
        _row(row)
        if row == ("dataset",) and SS.dataset in PRESETS:
            st.caption(PRESETS[SS.dataset].description)
    if title == "Data" and SS.dataset in PRESETS and PRESETS[SS.dataset].params:
        generated_data()
    share = SS.get("train_ratio")
    if title == "Data" and SS.dataset == CUSTOM and share is not None and 0 < share <= 1:
        _row(("train_ratio",))  # a table of the user's own: the share of unmarked rows


def _row(row) -> None:
    cols = st.columns(len(row)) if len(row) > 1 else [st.container()]
    for col, name in zip(cols, row):
        with col:
            _draw(setting(name))


#: the generated data sets' own settings (TensorFlow Playground's data controls)
GENERATED = [("points", "noise"), ("train_ratio", "data_seed")]


def _regenerate() -> None:
    SS.data_seed = int(np.random.SeedSequence().generate_state(1)[0] % 1_000_000)


def generated_data() -> None:
    """Points, noise, train share and data seed of a generated data set, and Regenerate."""
    with st.expander("Generated data", expanded=False):
        for row in GENERATED:
            _row(row)
        st.button(
            "Regenerate",
            key="regenerate",
            icon=":material/casino:",
            on_click=_regenerate,
            width="stretch",
            disabled=state.hidden("data_seed"),
            help="Draw new points (a new data seed); the network starts again.",
        )


def play_section() -> None:
    """Play's speed and where it stops (the accuracy target for a classification only)."""
    st.subheader("Play")
    classifying = state.explorer().task != "regression"
    for row in PLAY_LAYOUT:
        shown = [name for name in row if name != "target_accuracy" or classifying]
        if not shown:
            continue
        if len(shown) == 1:
            _draw(PLAY[shown[0]])
            continue
        for col, name in zip(st.columns(len(shown)), shown):
            with col:
                _draw(PLAY[name])


def normalize() -> Settings:
    """Before anything is drawn: the settings the widgets hold, made whole — the inputs and
    targets keep only the table's columns (a new table may have dropped some), the
    features only those that still fit their inputs (a note for each one dropped).
    The page draws the live view with them first and the sidebar's widgets after (so
    the charts reach the browser before ~60 widgets do)."""
    for s in PLAY_SETTINGS:
        SS.setdefault(s.name, s.default)
    columns = _columns()
    for name in ("inputs", "targets"):
        SS[name] = [c for c in SS[name] if c in columns]
    kept, notes = fit_features(SS.get("features") or [], SS.inputs, columns)
    for text in notes:
        state.note(text, "warning")
    SS["features"] = list(kept)
    return state.read_settings()


def sidebar() -> None:
    """Draw the sidebar's widgets (their values were read by :func:`normalize`)."""
    with st.sidebar:
        st.markdown("### nnviz")
        st.caption("A neural network you can watch learn: every step, every matrix, every number.")
        if SS.get(state.CLASSROOM):
            st.info(
                "Classroom exercise: the greyed-out settings are fixed by the link.",
                icon=":material/school:",
            )
        for title, rows in LAYOUT.items():
            _section(title, rows)
        play_section()
