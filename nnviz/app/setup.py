"""A loaded table gets a setup that learns: the proposal, as the app's settings and one note.

When a table comes in (an upload, a paste, a link's table), :func:`setup_for` turns
:func:`nnviz.data.propose_setup`'s proposal into the app's :class:`Settings` — the
settings it does not name (the seed, the momentum …) stay as they were — and writes the
one note that lists what it chose. The settings before it are kept beside it, so that
Undo can give them back.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

import pandas as pd

from ..data import propose_setup
from ..data.proposal import Proposal
from .settings import CUSTOM, GENERATOR_SETTINGS, Settings

NOTE_TITLE = "A setup for your table"


@dataclass(frozen=True)
class ProposedSetup:
    """The settings proposed for a table, the settings before them, and the proposal."""

    settings: Settings
    previous: Settings
    proposal: Proposal

    @property
    def choices(self) -> list[str]:
        return list(self.proposal.choices)

    def note(self) -> str:
        """One note: what was chosen, a line each (plain text; the page escapes it)."""
        lines = "\n".join(f"- {line}" for line in self.choices)
        return (
            f"{NOTE_TITLE} — chosen from its columns and rows (Undo restores the settings "
            f"before):\n{lines}"
        )


def setup_for(table: pd.DataFrame, current: Settings) -> ProposedSetup:
    """The proposed settings for ``table``, starting from ``current``.

    Raises :class:`~nnviz.errors.DataError` for a table nothing can be learned from."""
    proposal = propose_setup(table)
    names = {f.name for f in fields(current)}
    values = {k: v for k, v in proposal.settings.items() if k in names}
    # a table of the user's own: no generator draws it
    values.update({g.name: None for g in GENERATOR_SETTINGS if g.name not in values})
    settings = replace(current, dataset=CUSTOM, **values)
    return ProposedSetup(settings, current, proposal)
