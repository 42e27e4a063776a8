"""The page's look: compact enough for a 1280×720 projector with the sidebar open.

Streamlit's wide layout leaves 5 rem of padding on each side and 6 rem on top, and
draws metric values at 2.25 rem: at 1280×720 only the top third of the charts fits.
These rules tighten the frame (the charts then sit side by side above the fold) and
keep every number on one line: the live numbers (``.nnviz-metric``, a label over a
value, drawn by the live view's script) and the tabs' ``st.metric``s alike.
``presentation`` enlarges the text for a large room.
"""

from __future__ import annotations

import streamlit as st

COMPACT = """
<style>
.block-container, [data-testid="stMainBlockContainer"] {
  padding: 3.6rem 1.25rem 1rem 1.25rem; max-width: none; }
[data-testid="stSidebar"]:not([data-collapsed="true"]) {
  width: 290px !important; min-width: 290px !important; }
[data-testid="stSidebarHeader"] { margin-bottom: 0; padding-bottom: 0; height: 2.5rem; }
[data-testid="stSidebarUserContent"] { padding-top: 0; }
[data-testid="stMetric"] { padding: 0; }
[data-testid="stMetricLabel"] p { font-size: 0.82rem; white-space: nowrap; }
[data-testid="stMetricValue"] { font-size: 1.55rem; line-height: 1.25; white-space: nowrap; }
.nnviz-metrics { display: flex; gap: 1rem; width: 100%; }
.nnviz-metric { flex: 1 1 0; min-width: 0; cursor: default; }
.nnviz-metric .label { font-size: 0.82rem; line-height: 1.4; white-space: nowrap;
  overflow: hidden; text-overflow: ellipsis; margin-bottom: 0.2rem; }
.nnviz-metric .value { font-size: 1.55rem; line-height: 1.25; white-space: nowrap;
  font-variant-numeric: tabular-nums; }
.st-key-presenter_keys { display: none; }
[data-testid="stVerticalBlock"] { gap: 0.55rem; }
[data-testid="stElementContainer"]:has(.nnviz-live-chart) { margin-bottom: 0; }
</style>
"""
PRESENTATION = """
<style>
html { font-size: 20px; }
[data-testid="stMetricValue"], .nnviz-metric .value { font-size: 1.7rem; }
</style>
"""


def apply(presentation: bool = False) -> None:
    st.html(COMPACT + (PRESENTATION if presentation else ""))
