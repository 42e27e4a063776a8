"""The Metrics tab: how right the predictions are, beyond the loss.

Classification: the confusion matrix of the training and the test rows (rows: the true
class, columns: the predicted one; the count in each cell) and the share of each
class predicted right. Regression: R² and RMSE in the table's units, and predicted
against actual. Follows a replayed snapshot like every view.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from ...app.views import metrics as view
from .. import state
from ..livechart import CONFIG as CHART_CONFIG
from ..text import md

SS = st.session_state


def _classification(ex) -> None:
    try:
        scores = view.classification_scores(ex)
    except ValueError as exc:
        st.warning(f"No scores for these weights: {md(exc)}")
        return
    if not scores:
        st.info("There are no training or test rows to score.")
        return
    cols = st.columns(2)
    for col, s in zip(cols, scores):
        with col:
            st.plotly_chart(
                view.confusion_view(ex, s),
                key=f"confusion_{s.split}",
                theme=None,
                config=CHART_CONFIG,
            )
    if len(scores) == 1:
        cols[1].info(
            "No test rows: mark some rows **test** in the Data tab to see how the "
            "network does on rows it never trained on."
        )
    st.caption(
        "Rows: the true class; columns: the class the network predicts. Blue cells "
        "(the diagonal) are rows predicted right, orange cells mistakes; the deeper the "
        "colour, the larger the share of that class's rows."
    )
    st.markdown("**Each class, predicted right**")
    st.dataframe(view.per_class_table(ex, scores), hide_index=True, key="per_class_table")


def _regression(ex) -> None:
    data = ex.data
    target = 0
    if len(data.targets) > 1:
        names = [str(t) for t in data.targets]
        SS.setdefault("metrics_target", names[0])
        if SS.metrics_target not in names:
            SS.metrics_target = names[0]
        st.selectbox("Target", names, key="metrics_target", format_func=md, persist_state="page")
        target = names.index(SS.metrics_target)
    try:
        scores = view.regression_scores(ex)
    except ValueError as exc:
        st.warning(f"No scores for these weights: {md(exc)}")
        return
    name = md(data.targets[target])
    cols = st.columns(4)
    k = 0
    for s in scores:
        what = "train" if s.split == "train" else "test"
        r2 = float(s.r2[target])
        cols[k].metric(
            f"R² ({what})",
            f"{r2:.3f}" if np.isfinite(r2) else "—",
            help="1 is perfect; 0 is no better than always predicting the mean.",
        )
        cols[k + 1].metric(
            f"RMSE ({what}, {name})",
            f"{float(s.rmse[target]):.4g}",
            help="The typical error of a prediction, in the table's units.",
        )
        k += 2
    if len(scores) < 2:
        st.caption(
            "No test rows: mark some rows **test** in the Data tab to score rows the "
            "network never trained on."
        )
    st.plotly_chart(
        view.predicted_actual_view(ex, target),
        key="metrics_scatter",
        theme=None,
        config=CHART_CONFIG,
    )
    st.caption(
        "Each row's prediction against its true value, in the table's units: rows on "
        "the dashed line are predicted exactly."
    )


def metrics_tab() -> None:
    ex = state.view()
    if view.is_classification(ex):
        _classification(ex)
    else:
        _regression(ex)
