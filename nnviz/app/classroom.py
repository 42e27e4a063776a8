"""A classroom link's fixed settings, kept as the lecturer set them by every route.

A link with ``classroom=1&hide=hidden,optimizer,…`` fixes the settings it names: the
students see them greyed out. Every route that changes settings — the sidebar's
widgets, a data set picked, a CSV table or a model uploaded, a lesson loaded, the setup
proposed for a table — passes the settings it wants through :func:`keep_fixed`, which
keeps the fixed ones as they are (the lecturer's, as the link and its run left them) and
says which it left (:class:`Kept`, its :meth:`Kept.notes`). A route that cannot do
without changing one (a new table when the data set is fixed, a model of another
architecture, a table without the fixed input columns) is refused as a whole, with a
note saying why (:meth:`Kept.refusal`).

The classroom link is a teaching aid, not access control: the same address without
``classroom=1`` opens with nothing fixed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace

import pandas as pd

from ..quoting import quote, shorten
from .features import fit_features
from .notes import Note
from .settings import GENERATOR_SETTINGS, SETTINGS, Settings, setting

#: the settings a classroom link may fix (the rest of what ``hide`` names are tabs)
FIXABLE = tuple(s.name for s in SETTINGS if s.hideable)
_DRAWN = {g.name for g in GENERATOR_SETTINGS}


def fixed_settings(hide: Collection[str]) -> tuple[str, ...]:
    """The settings a link's ``hide`` fixes, in the settings table's order."""
    return tuple(name for name in FIXABLE if name in hide)


@dataclass(frozen=True)
class Kept:
    """The settings a route may apply, and the fixed ones it wanted to change (kept)."""

    settings: Settings
    left: tuple[str, ...] = ()  # fixed settings the route would have changed
    wanted: Settings | None = None  # what the route asked for

    def values(self, settings: Settings | None = None) -> str:
        """The left settings with their values as kept (or in ``settings``): "hidden
        layers (2), optimizer (sgd)"."""
        s = settings or self.settings
        return ", ".join(
            f"{setting(n).label.lower()} ({shorten(setting(n).format(getattr(s, n)))})"
            for n in self.left
        )

    def _them(self) -> str:
        return "it" if len(self.left) == 1 else "them"

    def notes(self, what: str) -> list[Note]:
        """What a route (``what``: "Picking Circle", "Your change" …) left as the lecturer
        set it; [] when it left nothing."""
        if not self.left:
            return []
        return [
            Note(
                f"{what} left {self.values()} as the classroom link sets {self._them()}.",
                "warning",
            )
        ]

    def reason(self, why: str = "") -> str:
        """Why a route that cannot do without changing a fixed setting is refused
        (``why``: what it would need)."""
        because = f" ({why})" if why else ""
        return (
            f"this classroom exercise keeps {self.values()} as the link sets "
            f"{self._them()}{because}"
        )

    def refusal(self, what: str, why: str = "") -> Note:
        """The note of a route refused as a whole (see :meth:`reason`)."""
        return Note(f"{what} not used: {self.reason(why)}.", "warning")


def keep_fixed(wanted: Settings, current: Settings, fixed: Collection[str]) -> Kept:
    """The settings a route wants with each ``fixed`` one kept as ``current`` holds it.

    A generated data set's own settings (points, noise, train share, data seed) belong to
    it: they are kept only while the data set stays the same (a route that picks another
    data set takes that one's). The caller checks that the kept settings fit the table it
    brings (:func:`misfit`): a fixed input column it does not have refuses the route."""
    changes, left = {}, []
    same_data = wanted.dataset == current.dataset
    for name in FIXABLE:
        if name not in fixed or (name in _DRAWN and not same_data):
            continue
        if getattr(wanted, name) != getattr(current, name):
            changes[name] = getattr(current, name)
            left.append(name)
    return Kept(replace(wanted, **changes) if changes else wanted, tuple(left), wanted)


def misfit(settings: Settings, table: pd.DataFrame, fixed: Collection[str]) -> str:
    """Why the ``fixed`` settings among the columns (inputs, targets, features) cannot be
    kept with ``table`` ("" if they can): a column they name that it does not have, a
    feature over columns it lacks."""
    columns = [c for c in table.columns if c != "split"]
    named = [
        *(settings.inputs if "inputs" in fixed else ()),
        *(settings.targets if "targets" in fixed else ()),
    ]
    missing = [c for c in named if c not in columns]
    if missing:
        return f"the table has no column {quote(missing[0])}"
    if "features" in fixed:
        kept, _ = fit_features(settings.features, settings.inputs, columns)
        if len(kept) != len(settings.features):
            lost = next(f for f in settings.features if f not in kept)
            return f"the feature {quote(lost)} does not fit the table"
    return ""


__all__ = ["FIXABLE", "Kept", "fixed_settings", "keep_fixed", "misfit"]
