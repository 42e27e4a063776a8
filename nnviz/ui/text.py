"""User text is data: what a person typed, uploaded or put in a link is shown as text.

Streamlit renders Markdown in messages, captions, labels and metric labels: a
column named ``![x](https://tracker/pixel)`` would load an image from anywhere, and
``[Session expired](https://evil)`` would show a link. Every string that comes from a
user (column, file and preset names, link parameters, cell values, messages built
from them) goes through :func:`md` before it reaches Markdown.
"""

from __future__ import annotations

import re

from ..quoting import visible

# Markdown's punctuation, Streamlit's directives (":red[…]", "$…$") and HTML's angle
# brackets and entities.
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>:$&=\"'^])")
# What a backslash does not stop: bare addresses become links ("https://…", "www.…",
# "a@b.c") and ":material/…:" becomes an icon. A zero-width space breaks each.
_UNBREAKABLE = re.compile(r"(:|@|(?i:www)(?=\.))")
ZWSP = "\u200b"


def md(text: object) -> str:
    """``text`` escaped for Streamlit Markdown: shown literally, never as markup (no
    link, image, icon, colour or formula), and in the order its characters come
    (bidirectional controls and zero-width characters written out, :func:`visible`)."""
    s = visible(text).replace("\r", " ").replace("\n", " ")
    s = _UNBREAKABLE.sub(lambda m: m.group(1) + ZWSP, s)
    return _SPECIAL.sub(r"\\\1", s)


def md_lines(text: object) -> str:
    """Like :func:`md`, keeping line breaks (as Markdown hard breaks)."""
    return "  \n".join(md(line) for line in str(text).splitlines())
