"""How a message quotes what a person typed, uploaded or put in a link: short, and as it is.

Every message that names a user's value — a cell, a column or file name, a link's
parameter, a number — quotes it through :func:`quote` (or :func:`shorten` for text that
is already in quotes or in a sentence): at most :data:`QUOTE_CHARS` (64) characters of it,
then "…" and how long it was. A 10 MB cell gives a message of a line, not of 10 MB,
and a whole number of thousands of digits is named by its length (Python refuses to
write one of more than 4,300 digits as text at all).

:func:`visible` shows a name as the characters it holds: the invisible characters that
would change how the rest reads — bidirectional controls (a right-to-left override
makes ``‮gpj.json`` read as ``json.jpg``), zero-width characters — are written as
``⟨U+202E⟩``. The page's Markdown escaping (``nnviz.ui.text``) and the charts' text
(``nnviz.charts``) apply it to every name they show.

It imports only :mod:`nnviz.limits`: every layer may quote.
"""

from __future__ import annotations

import math
import re

from .limits import MAX_CELL_BYTES

QUOTE_CHARS = MAX_CELL_BYTES
"""Most characters of a user's value a message quotes: as many as a cell or column name
of the widest table nnviz reads may hold (64), so that any ordinary one is named whole."""

MESSAGE_CHARS = 1000
"""Most characters of a message built from an error (:func:`said`)."""

# Bidirectional controls (ALM, LRM, RLM, LRE … RLO, LRI … PDI) and invisible characters:
# zero-width space, non-joiner and joiner, word joiner and the invisible operators, the
# byte-order mark, the soft hyphen, the Mongolian vowel separator.
INVISIBLE = re.compile(
    "[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u200b-\u200d\u2060-\u2064\ufeff\u00ad\u180e]"
)


def visible(text: object) -> str:
    """``text`` with every bidirectional control and zero-width character written out as
    ``⟨U+XXXX⟩``, so that it reads in the order its characters come."""
    return INVISIBLE.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", str(text))


def shorten(text: object, limit: int = QUOTE_CHARS) -> str:
    """``text`` (made :func:`visible`) cut to ``limit`` characters: "abc…" and how many
    characters it had, when it had more."""
    s = str(text)
    if len(s) <= limit:
        return visible(s)
    return f"{visible(s[:limit])}… ({len(s):,} characters)"


def number(value: int | float) -> str:
    """A number as a message writes it: in full while short, else by its size (a whole
    number of thousands of digits is never converted to text)."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        if value.bit_length() <= 3 * QUOTE_CHARS:  # at most ~36 digits: in full
            return str(value)
        digits = math.floor(value.bit_length() * math.log10(2)) + 1
        return f"a {digits:,}-digit number" if value > 0 else f"minus a {digits:,}-digit number"
    return shorten(repr(float(value)))


def quote(value: object, limit: int = QUOTE_CHARS) -> str:
    """A user's value in a message: a string in single quotes (cut to ``limit``
    characters, made :func:`visible`), a number in full or by its size, anything else
    as its ``repr``, cut the same way."""
    if isinstance(value, str):
        if len(value) <= limit:
            return f"'{visible(value)}'"
        return f"'{visible(value[:limit])}…' ({len(value):,} characters)"
    if isinstance(value, (int, float)):
        return number(value)
    if hasattr(value, "item") and getattr(value, "shape", None) == ():  # a NumPy scalar
        return quote(value.item(), limit)
    try:
        text = repr(value)
    except ValueError:  # e.g. a container of a huge int
        return f"a {type(value).__name__} too large to show"
    return shorten(text, limit)


# Python's own words for what a person did, as a message says them
_RAW = (
    (
        re.compile(r"Exceeds the limit \((\d+) digits\) for integer string conversion"),
        lambda m: f"a whole number of more than {int(m.group(1)):,} digits",
    ),
)


def said(error: BaseException | str, limit: int = MESSAGE_CHARS) -> str:
    """An error's message as the page shows it: Python's raw words for a limit (e.g.
    "Exceeds the limit (4300 digits) … sys.set_int_max_str_digits()") said plainly, and
    the whole cut to ``limit`` characters."""
    text = str(error)
    for pattern, words in _RAW:
        m = pattern.search(text)
        if m:
            text = words(m)
            break
    if len(text) > limit:
        text = text[:limit] + f"… ({len(text):,} characters)"
    return text
