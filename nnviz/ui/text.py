"""User text is data: what a person typed, uploaded or put in a link is shown as text.

Streamlit renders Markdown in messages, captions, labels and metric labels: a
column named ``![x](https://tracker/pixel)`` would load an image from anywhere, and
``[Session expired](https://evil)`` would show a link. Every string that comes from a
user (column, file and preset names, link parameters, cell values, messages built
from them) goes through :func:`md` before it reaches Markdown.
"""

from __future__ import annotations

import re

# Markdown's punctuation, Streamlit's directives (":red[…]", ":material/…:", "$…$")
# and HTML's angle brackets and entities.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:$&=\"'^])")


def md(text: object) -> str:
    """``text`` escaped for Streamlit Markdown: shown literally, never as markup."""
    s = str(text).replace("\r", " ").replace("\n", " ")
    return _SPECIAL.sub(r"\\\1", s)


def md_lines(text: object) -> str:
    """Like :func:`md`, keeping line breaks (as Markdown hard breaks)."""
    return "  \n".join(md(line) for line in str(text).splitlines())
