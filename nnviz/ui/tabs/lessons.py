"""The Lessons tab: each seed tutorial walked through step by step on the live network.

What a lesson says and shows lives in ``nnviz.app.lessons``; this module draws one
step (its words, its formula, its real matrices, its numbers) with Back / Next, and
"Run this step" does the step to the live run through the app's own paths: the
lesson's table and settings go into the widgets and the editor (as picking a data set
does), training steps go through the explorer (as Step does), so every other view
follows.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from ... import charts
from ...app import lessons, views
from ...app.classroom import Kept
from ...app.lessons import LESSONS, Lesson, LessonStep
from ...data import PRESETS
from .. import state
from ..livechart import CONFIG as CHART_CONFIG
from ..stepper import stepper
from ..text import md

SS = st.session_state
LESSON = "lesson"
STEP = "lesson_step"


def _shape(shape: tuple) -> str:
    return " × ".join(map(str, shape)) if shape else "1"


def _on_lesson() -> None:
    SS[STEP] = 1


def _kept(lesson: Lesson) -> tuple[Kept, list[str]]:
    """The lesson's settings with a classroom link's fixed ones kept, and those of them
    the lesson's explanations need (it cannot be loaded without them)."""
    kept = state.keep(lesson.settings(state.explorer().settings.seed))
    return kept, [name for name in kept.left if name in lessons.LESSON_SETTINGS]


def _blocked(lesson: Lesson) -> list[str]:
    """Settings a classroom link keeps fixed that loading the lesson would change."""
    return _kept(lesson)[1]


def _load(key: str) -> None:
    """Run a load step: the lesson's table and settings, as the data-set picker loads a
    preset; the run starts again at iteration 0. A classroom link's fixed settings stay:
    the step is refused if the lesson needs them changed."""
    lesson = LESSONS[key]
    ex = state.explorer()
    kept, needed = _kept(lesson)
    if needed:
        state.note(kept.refusal("The lesson", "it needs its own"))
        return
    if ex.link_replay_pending:
        state.stop_link_replay()
    state.stop_playing()
    state.leave_replay()
    settings = kept.settings
    state.write_settings(settings)
    state.set_table(lesson.table())
    if settings.network_key() == ex.settings.network_key():
        ex.reset()  # the same network: no rebuild would bring back iteration 0
    state.note(
        f"The lesson's network is loaded: {PRESETS[lesson.preset].title}, "
        f"{'-'.join(map(str, lesson.sizes))}, iteration 0.",
        "success",
    )
    for n in kept.notes("The lesson"):
        state.note(n)


def _train(key: str, index: int) -> None:
    """Run a train step: the live run trains, as Step ×N does."""
    step = LESSONS[key].steps[index]
    ex = state.explorer()
    if ex.link_replay_pending:
        state.stop_link_replay()
    state.stop_playing()
    state.leave_replay()
    done = lessons.perform(ex, step)
    state.note(
        f"Trained {done:,} step{'s' if done != 1 else ''}: iteration "
        f"{ex.trainer.iteration:,}." + (f" {ex.divergence}" if ex.divergence else ""),
        "warning" if ex.divergence else "success",
    )


PRESET_TITLES = {key: f"{lesson.title} ({lesson.source})" for key, lesson in LESSONS.items()}


def _run_button(lesson: Lesson, step: LessonStep, index: int) -> None:
    action = step.action
    if action is None:
        return
    live = state.explorer()
    if action.kind == "load":
        blocked = _blocked(lesson)
        st.button(
            action.label,
            key="lesson_run",
            icon=":material/play_arrow:",
            type="primary",
            on_click=_load,
            args=(lesson.key,),
            disabled=bool(blocked),
            help="Run this step: the lesson's table and settings go into the sidebar "
            "and the table, and the run starts at iteration 0.",
        )
        if blocked:
            st.caption(
                "This link keeps some settings fixed that the lesson would change ("
                + md(", ".join(blocked))
                + ")."
            )
        return
    why = lessons.can_train(lesson, live)
    n = action.steps_from(live.trainer.iteration)
    st.button(
        action.label_at(live.trainer.iteration),
        key="lesson_run",
        icon=":material/play_arrow:",
        type="primary",
        on_click=_train,
        args=(lesson.key, index),
        disabled=bool(why),
        help=f"Run this step: {n:,} training step{'s' if n != 1 else ''} of the live "
        "run; every view follows.",
    )
    if why:
        st.caption(why)


ROW_BUDGET_PX = 880  # matrices side by side while their widths add up to this
CELL_PX = 78  # a cell wide enough for "-0.00658" at 14 px
ROW_PX = 34
MIN_WIDTH_PX = 300  # room for the line above the chart


def _labels(m: lessons.Shown, names: list) -> tuple[list | None, list | None]:
    """Row and column labels of a lesson matrix: its layers' neuron names, else defaults."""
    value = np.asarray(m.value)
    rows = names[m.rows] if m.rows is not None else None
    cols = names[m.cols] if m.cols is not None else None
    if value.ndim == 1:  # one row: its name, if it is short enough to label it
        rows = [m.name if len(m.name) <= 10 else "values"]
    elif rows is not None and len(rows) != value.shape[0]:
        rows = None
    if cols is not None and len(cols) != value.shape[-1]:
        cols = None
    return rows, cols


def _width(m: lessons.Shown, names: list) -> int:
    """The chart's width in pixels: row labels, a column wide enough for its value and its
    label (so labels stay level), the colour bar."""
    rows, cols = _labels(m, names)
    value = np.atleast_2d(np.asarray(m.value))
    longest = max(len(str(r)) for r in rows) if rows else len(f"row {value.shape[0] - 1}")
    label = max((len(str(c)) for c in cols), default=0) if cols else 0
    cell = max(CELL_PX, 8.5 * label + 14)
    need = max(80, 8.5 * longest + 24) + cell * value.shape[1] + 96
    return int(max(need, MIN_WIDTH_PX))


def _matrix(m: lessons.Shown, names: list, key: str, width: int) -> None:
    value = np.asarray(m.value, dtype=float)
    rows, cols = _labels(m, names)
    st.markdown(f"**`{m.name}`** · {md(m.notation)} · shape {_shape(m.shape)}")
    n = np.atleast_2d(value).shape[0]
    fig = charts.matrix_figure(
        value,
        title=None,
        row_labels=rows,
        col_labels=cols,
        diverging=m.signed,
        height=40 + max(72, ROW_PX * n) + 12,
    )
    # the colour bar marks only its ends (and 0 on the signed scale): ticks never crowd it
    lo, hi = float(fig.data[0].zmin), float(fig.data[0].zmax)
    ticks = [lo, 0.0, hi] if m.signed else [lo, hi]
    fig.update_traces(
        colorbar=dict(tickvals=ticks, ticktext=[f"{t:.3g}".replace("-", "−") for t in ticks])
    )
    st.plotly_chart(fig, key=key, theme=None, config=CHART_CONFIG, width=width)


def _matrices(matrices: list, names: list) -> None:
    """The step's matrices in rows, side by side while they fit, each at its own width (so
    a cell is as wide in a 1-column matrix as in a 5-column one)."""
    widths = [_width(m, names) for m in matrices]
    row: list[int] = []
    rows = []
    for k, w in enumerate(widths):
        if row and sum(widths[j] for j in row) + w + 24 * len(row) > ROW_BUDGET_PX:
            rows.append(row)
            row = []
        row.append(k)
    if row:
        rows.append(row)
    for row in rows:
        used = sum(widths[k] for k in row)
        cols = st.columns([*(widths[k] for k in row), max(ROW_BUDGET_PX - used, 1)])
        for col, k in zip(cols, row):
            with col:
                _matrix(matrices[k], names, f"lesson_matrix_{k}", widths[k])


def lessons_tab() -> None:
    ex = state.view()
    if SS.get(LESSON) not in LESSONS:
        SS[LESSON] = lessons.lesson_for(state.explorer()).key
    st.radio(
        "Lesson",
        list(LESSONS),
        key=LESSON,
        horizontal=True,
        on_change=_on_lesson,
        format_func=lambda k: PRESET_TITLES[k],
        persist_state="page",
    )
    lesson = LESSONS[SS[LESSON]]
    n = len(lesson.steps)
    st.caption(lesson.summary)
    differs = lessons.differences(lesson, ex)
    if differs:
        st.info(
            "The live network is not quite this lesson's — "
            + md("; ".join(differs))
            + ". Step 1's **Run this step** loads it.",
            icon=":material/school:",
        )
    stepper(STEP, n, label="Step of the lesson", back_key="lesson_back", next_key="lesson_next")
    index = SS[STEP] - 1
    step = lesson.steps[index]
    st.subheader(f"{SS[STEP]}. {step.title}", anchor=False)
    left, right = st.columns([1.25, 1])
    with left:
        st.markdown(step.words)
    with right:
        st.code(step.formula, language=None, wrap_lines=True)
        _run_button(lesson, step, index)
    if state.replaying():
        st.caption(
            f"The matrices are those of the replayed iteration {ex.trainer.iteration:,}; "
            "Run this step works on the live run (and ends the replay)."
        )
    shown = lessons.readouts(ex, step)
    if shown:
        for col, r in zip(st.columns(len(shown)), shown):
            col.metric(md(r.label), r.value, help=r.help or None)
    if not lessons.shows_matrices(ex):
        st.warning(
            "The lessons name the matrices of a network with one hidden layer; the "
            f"live one has {ex.network.n_layers - 1}. Step 1's Run this step loads the "
            "lesson's network."
        )
        return
    matrices = lessons.step_matrices(ex, step)
    names = views.layer_names(ex)
    if step.chart == "loss":
        st.plotly_chart(
            views.loss_view(ex, height=300), key="lesson_loss", theme=None, config=CHART_CONFIG
        )
    _matrices(matrices, names)
    if step.files:
        files = lessons.saved_weights(ex)
        for col, (name, text) in zip(st.columns(max(len(files), 1)), files.items()):
            with col:
                st.markdown(f"**{md(name)}**")
                st.code(text, language=None)
