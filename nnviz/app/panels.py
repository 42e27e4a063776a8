"""The tabs under the live view, one row each, in the order the page shows them.

A row's ``name`` is what a classroom link's ``hide`` names it by (``hide=table,weights``)
and what the user interface draws it with (``nnviz.ui.tabs``); ``title`` is its tab's
label; the tabs a link may not hide say so (``hideable=False``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Panel:
    name: str
    title: str
    hideable: bool = True


PANELS = (
    Panel("table", "Data"),
    Panel("weights", "Weights"),
    Panel("inspector", "Backprop inspector"),
    Panel("lessons", "Lessons"),
    Panel("landscape", "Loss landscape"),
    Panel("metrics", "Metrics"),
    Panel("replay", "Animation"),
    Panel("compare", "Compare runs"),
    Panel("predict", "Predict", hideable=False),
    Panel("checks", "Check & edit", hideable=False),
    Panel("export", "Export / share"),
    Panel("runs", "Runs"),
)
