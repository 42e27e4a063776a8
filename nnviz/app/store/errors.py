"""The run store's limits, its errors (each message meant for the person using the app,
a database's own errors translated into them), run ids and names, and the publishing
passphrase's check."""

from __future__ import annotations

import hmac
import re
import secrets
import unicodedata

from sqlalchemy import exc as sa_exc

# ---------------------------------------------------------------------------- limits
SCHEMA_VERSION = 2
RUN_ID_BYTES = 18  # 144 random bits
RUN_ID_LENGTH = 24  # their URL-safe base64 text
_RUN_ID = re.compile(r"[A-Za-z0-9_-]{24}")

MAX_RUN_BYTES = 64 * 2**20
"""Most bytes one run may take (its blobs and parts together): 64 MiB, the memory budget
of a run's history (``nnviz.history.MEMORY_BUDGET``). A history holds at most 2¹⁹ loss
points (12.6 MB) and snapshots up to that budget (at most 19.5 MB for the largest
network the app builds, 2,432 parameters × 1000 snapshots), and a table at most 11 MB of
CSV (about a third of that compressed): a run of the app fits with room for the tables
of several edits. A run past it is not saved (:class:`RunTooLarge`)."""
MAX_DOC_BYTES = 8 * 2**20  # the JSON document: settings, logs, scalars
MAX_STATE_BYTES = 4 * 2**20  # the small .npz rewritten at every save
MAX_PART_BYTES = 16 * 2**20  # one part (the largest is a compressed table, ≤ 11 MB raw)
MAX_PARTS = 2048
MAX_KEY_LENGTH = 160
MAX_NAME_LENGTH = 100
MAX_SUMMARY_LENGTH = 300
MAX_LISTED = 200  # runs one list asks for or shows
ROW_OVERHEAD = 512  # bytes counted for a run's row besides its blobs and parts
PRUNE_AFTER_DAYS = 30
PRUNE_EVERY_S = 3600  # a store prunes old runs at most this often while it saves
SAVE_TRIES = 3

ENV_URL = "NNVIZ_DB_URL"
ENV_MAX_MB = "NNVIZ_DB_MAX_MB"
DEFAULT_MAX_MB = 2048
SQLITE_TIMEOUT_S = 5.0
"""How long a SQLite connection waits for another writer (its busy timeout), in seconds.
A save is a few milliseconds, so 5 s rides out many replicas saving at once; past it the
save fails with :class:`StoreBusy` and the run goes on in memory."""
OPEN_TRIES = 5
"""How many times opening a store is tried when SQLite says at once that it is busy
(processes opening a new file together: the switch to WAL, or two transactions that
would wait on each other, are refused without waiting out the busy timeout); 0.05 s,
0.1 s, … apart."""
POSTGRES_LOCK_TIMEOUT_MS = 5000  # the same bound for PostgreSQL's row locks
POSTGRES_CONNECT_TIMEOUT_S = 5  # an unreachable server is given up after this long
DISABLED = "none"
"""``NNVIZ_DB_URL=none``: no run store; runs live in their tab's memory only."""


# ---------------------------------------------------------------------------- errors
class StoreError(Exception):
    """Something the run store could not do. The message is for the person using the
    app; the run in memory is untouched."""


class BadRunId(StoreError, ValueError):
    """A run id that nnviz did not make (checked before any query)."""


class BadRunName(StoreError, ValueError):
    """A run name that is too long or holds control characters."""


class RunNotFound(StoreError):
    """No run with that id: never saved, deleted, or pruned."""


class RunCorrupt(StoreError):
    """A row that is damaged, cut short or not nnviz's."""


class RunTooNew(RunCorrupt):
    """A run saved by a newer nnviz, in a format this one does not read."""


class RunReadOnly(StoreError):
    """A published run: it never changes (open it to get a copy of your own)."""


class RunChanged(StoreError):
    """A save that expected the run as it last loaded or saved it found it changed by
    another writer since (another tab or window on the same run), or deleted (``deleted``).
    Nothing was written."""

    def __init__(self, message: str, *, deleted: bool = False):
        super().__init__(message)
        self.deleted = deleted


class RunTooLarge(StoreError):
    """A run past :data:`MAX_RUN_BYTES`."""


class SchemaTooNew(StoreError):
    """A database made by a newer nnviz."""


class StoreBusy(StoreError):
    """The database is locked by another writer for longer than the timeout."""


class StoreReadOnly(StoreError):
    """The database cannot be written (a read-only file, user or transaction)."""


class StoreFull(StoreError):
    """The disk is full, or the runs fill the store's cap and none may be deleted."""


class StoreUnavailable(StoreError):
    """The database cannot be opened or reached."""


# ---------------------------------------------------------------------------- ids, names
def new_run_id() -> str:
    """A new run id: 144 random bits (``secrets``) as 24 URL-safe characters."""
    return secrets.token_urlsafe(RUN_ID_BYTES)


def _shown(value, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_run_id(value) -> str:
    """``value`` if it is a run id nnviz makes (24 letters, digits, ``-`` or ``_``), else
    :class:`BadRunId`. Its length is checked before anything else is looked at."""
    if not (isinstance(value, str) and len(value) == RUN_ID_LENGTH and _RUN_ID.fullmatch(value)):
        raise BadRunId(
            f"The run id {_shown(value)} is not one nnviz makes ({RUN_ID_LENGTH} letters, "
            "digits, '-' or '_'): no run was opened."
        )
    return value


def check_run_name(name) -> str | None:
    """A run's name, tidied (spaces around it dropped, runs of spaces made one); None for
    no name. :class:`BadRunName` for one that is not text, too long or holds control
    characters."""
    if name is None:
        return None
    if not isinstance(name, str):
        raise BadRunName(f"A run's name is text; got {_shown(name)}.")
    if len(name) > 4 * MAX_NAME_LENGTH:
        raise BadRunName(f"A run's name has at most {MAX_NAME_LENGTH} characters.")
    tidy = " ".join(name.split())
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in tidy):
        raise BadRunName(f"The name {_shown(tidy)} holds a control or unassigned character.")
    if len(tidy) > MAX_NAME_LENGTH:
        raise BadRunName(
            f"The name {_shown(tidy)} has {len(tidy)} characters; at most {MAX_NAME_LENGTH}."
        )
    return tidy or None


# ---------------------------------------------------------------------------- errors
_SQLITE_ERRORS = (
    (("SQLITE_BUSY", "SQLITE_LOCKED"), "busy"),
    (("SQLITE_READONLY",), "read_only"),
    (("SQLITE_FULL",), "full"),
    (("SQLITE_CANTOPEN", "SQLITE_IOERR", "SQLITE_NOTADB", "SQLITE_CORRUPT", "SQLITE_PERM"), "gone"),
)
_POSTGRES_ERRORS = (
    (("55P03", "40001", "40P01", "57014"), "busy"),
    (("25006", "42501"), "read_only"),
    (("53",), "full"),
    (("08", "57P", "28", "3D"), "gone"),
)


def _kind(error: sa_exc.DBAPIError) -> str:
    orig = error.orig
    name = getattr(orig, "sqlite_errorname", None)
    if isinstance(name, str):
        return next((k for prefixes, k in _SQLITE_ERRORS if name.startswith(prefixes)), "")
    state = getattr(orig, "sqlstate", None)
    if isinstance(state, str):
        return next((k for prefixes, k in _POSTGRES_ERRORS if state.startswith(prefixes)), "")
    if isinstance(error, sa_exc.OperationalError):
        return "gone"  # e.g. no server at that address: the driver gives no code
    return ""


def _reason(error: BaseException) -> str:
    text = str(getattr(error, "orig", None) or error).strip().splitlines()
    return (text[0] if text else type(error).__name__)[:200]


def _translate(error: sa_exc.SQLAlchemyError, action: str, where: str) -> StoreError:
    kind = _kind(error) if isinstance(error, sa_exc.DBAPIError) else ""
    reason = _reason(error)
    where = f" {where}" if where else ""
    if kind == "busy":
        return StoreBusy(
            f"The run store is busy: it could not {action} ({reason}); another program or "
            "replica holds it locked. Try again in a moment."
        )
    if kind == "read_only":
        return StoreReadOnly(
            f"The run store{where} is read-only ({reason}): it could not {action}. Runs can "
            "be opened but not saved."
        )
    if kind == "full":
        return StoreFull(
            f"The run store{where} is full ({reason}): it could not {action}. Free some disk "
            "space or delete runs you no longer need."
        )
    if kind == "gone":
        return StoreUnavailable(
            f"The run store{where} cannot be reached ({reason}): it could not {action}."
        )
    return StoreError(f"The run store could not {action} ({reason}).")


# ---------------------------------------------------------------------------- publishing
def passphrase_matches(given: str | None, expected: str | None) -> bool:
    """Whether ``given`` is the publishing passphrase ``expected``, compared in constant
    time (``hmac.compare_digest`` of their UTF-8 bytes). No passphrase set: False."""
    if not expected or not isinstance(given, str):
        return False
    return hmac.compare_digest(given.encode("utf-8"), str(expected).encode("utf-8"))
