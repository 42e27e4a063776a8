"""The sidebar: data, network and training settings. Returns the Settings they show."""

from __future__ import annotations

import streamlit as st

from ..activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from ..app.settings import MAX_HIDDEN_LAYERS, MAX_NEURONS, Settings
from ..data import PRESETS, SCALINGS
from ..initializers import INITS
from ..losses import LOSSES
from ..optimizers import OPTIMIZERS
from . import state

SS = st.session_state

# A 1-2-3-5 ladder per decade: a log scale from 1e-4 to 10.
LEARNING_RATES = tuple(
    float(f"{m}e{e}") for e in range(-4, 1) for m in (1, 2, 3, 5)
) + (10.0,)
CUSTOM = "custom"


def _lr_label(v: float) -> str:
    return f"{v:g}"


def data_section() -> None:
    st.subheader("Data")
    if not state.hidden("dataset"):
        names = list(PRESETS) + ([CUSTOM] if SS.dataset == CUSTOM else [])
        st.selectbox(
            "Data set", names, key="dataset", on_change=state.load_dataset,
            format_func=lambda n: PRESETS[n].title if n in PRESETS else "Your table",
            help="Example tables: seeds 000 and 002 of the tutorials, TensorFlow Playground's "
                 "four sets and more. Edit any of them in the table.",
        )
    if SS.dataset in PRESETS:
        st.caption(PRESETS[SS.dataset].description)
    columns = [c for c in SS.table.columns if c != "split"]
    SS.inputs = [c for c in SS.inputs if c in columns]
    SS.targets = [c for c in SS.targets if c in columns]
    if not state.hidden("inputs"):
        st.multiselect("Inputs", columns, key="inputs", help="Columns fed to the input layer.")
    if not state.hidden("targets"):
        st.multiselect("Target", [c for c in columns if c not in SS.inputs], key="targets",
                       help="Columns the network learns to output "
                            "(one class column for softmax).")
    c1, c2 = st.columns(2)
    if not state.hidden("scaling"):
        c1.selectbox("Scaling", list(SCALINGS), key="scaling",
                     help="'max' divides each column by its largest value, as seed 002 does.")
    if not state.hidden("target_max"):
        c2.number_input("Target max", min_value=0.0, key="target_max", step=10.0,
                        disabled=SS.scaling != "max",
                        help="Under 'max' scaling, divide the target by this (seed 002: 100). "
                             "0: by the column's largest value.")


def _widget(column, control: str, draw) -> None:
    """Draw a control unless a classroom link hides it."""
    if not state.hidden(control):
        with column:
            draw()


def network_section() -> None:
    st.subheader("Network")
    if not state.hidden("hidden"):
        st.slider("Hidden layers", 0, MAX_HIDDEN_LAYERS, key="n_hidden")
        if SS.n_hidden:
            cols = st.columns(min(int(SS.n_hidden), 3))
            for i in range(int(SS.n_hidden)):
                SS.setdefault(f"neurons_{i}", 4)
                cols[i % len(cols)].number_input(
                    f"Layer {i + 1}", 1, MAX_NEURONS, key=f"neurons_{i}", step=1,
                    help="Neurons in this hidden layer.")
    c1, c2 = st.columns(2)
    _widget(c1, "activation",
            lambda: st.selectbox("Hidden activation", HIDDEN_ACTIVATIONS, key="activation"))
    _widget(c2, "output_activation",
            lambda: st.selectbox("Output activation", OUTPUT_ACTIVATIONS,
                                 key="output_activation"))
    c1, c2 = st.columns(2)
    _widget(c1, "init", lambda: st.selectbox("Init", list(INITS), key="init",
                                             help="How the initial weights are drawn."))
    _widget(c2, "seed", lambda: st.number_input(
        "Seed", min_value=0, step=1, key="seed",
        help="The same seed gives the same initial weights."))
    _widget(st.container(), "bias", lambda: st.checkbox(
        "Biases", key="bias", help="A bias per neuron; seed 002's network has none."))


def training_section() -> None:
    st.subheader("Training")
    c1, c2 = st.columns(2)
    _widget(c1, "loss", lambda: st.selectbox(
        "Loss", list(LOSSES), key="loss",
        help="half_sse = ½·Σ(y−ŷ)² (seeds 000/001), mse = mean (y−ŷ)² (seed 002's print)."))
    _widget(c2, "optimizer", lambda: st.selectbox("Optimizer", list(OPTIMIZERS), key="optimizer"))
    # a link may carry a rate between the ladder's steps: it joins the ladder, unchanged
    rates = tuple(sorted({*LEARNING_RATES, float(SS.learning_rate)}))
    _widget(st.container(), "learning_rate", lambda: st.select_slider(
        "Learning rate η", rates, key="learning_rate", format_func=_lr_label,
        help="Log scale. Changing it mid-run keeps the weights."))
    c1, c2 = st.columns(2)
    _widget(c1, "batch_size", lambda: st.number_input(
        "Batch size", min_value=0, max_value=5000, step=1, key="batch_size",
        help="Rows per step; 0 = all training rows (as the seeds)."))
    _widget(c2, "momentum", lambda: st.number_input(
        "Momentum μ", min_value=0.0, max_value=0.99, step=0.05, key="momentum",
        disabled=SS.optimizer != "momentum"))
    c1, c2 = st.columns(2)
    _widget(c1, "l1", lambda: st.number_input("L1", min_value=0.0, max_value=10.0, step=0.001,
                                              format="%.4f", key="l1"))
    _widget(c2, "l2", lambda: st.number_input("L2", min_value=0.0, max_value=10.0, step=0.001,
                                              format="%.4f", key="l2"))


def play_section() -> None:
    st.subheader("Play")
    st.select_slider("Speed (steps per refresh)", [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000,
                                                    2000, 5000], key="speed")
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
        if SS.get("classroom"):
            st.info("Classroom exercise: some controls are fixed by the link.",
                    icon=":material/school:")
        data_section()
        network_section()
        training_section()
        play_section()
    return state.read_settings()
