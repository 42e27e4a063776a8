"""Where the run store is: its URL (``NNVIZ_DB_URL``, secrets.toml or the default SQLite
file), the engine's keyword arguments for ``st.connection`` and the size cap."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc

from .errors import (
    DEFAULT_MAX_MB,
    DISABLED,
    ENV_MAX_MB,
    ENV_URL,
    POSTGRES_CONNECT_TIMEOUT_S,
    POSTGRES_LOCK_TIMEOUT_MS,
    SQLITE_TIMEOUT_S,
    StoreError,
    StoreUnavailable,
    _reason,
    _shown,
    _translate,
)


# ---------------------------------------------------------------------------- where
def default_db_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME/nnviz/runs.sqlite`` (an absolute XDG_DATA_HOME only, as the XDG
    spec says), else ``~/.local/share/nnviz/runs.sqlite``: outside the repository."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_DATA_HOME", "")
    if not (base and os.path.isabs(base)):
        home = environ.get("HOME") or os.path.expanduser("~")
        base = os.path.join(home, ".local", "share")
    return Path(base) / "nnviz" / "runs.sqlite"


def db_url(environ: Mapping[str, str] | None = None, configured: str | None = None) -> str:
    """The database's URL: ``NNVIZ_DB_URL``, else ``configured`` (e.g. secrets.toml's
    ``[connections.runs] url``), else the default SQLite file."""
    environ = os.environ if environ is None else environ
    url = environ.get(ENV_URL, "").strip() or (configured or "").strip()
    if url:
        return url
    return sa.URL.create("sqlite", database=str(default_db_path(environ))).render_as_string()


def _dialect(url: str) -> str:
    try:
        return sa.make_url(url).get_backend_name()
    except sa_exc.ArgumentError as error:
        raise StoreUnavailable(
            f"The run store's URL is not a database URL ({error}); set {ENV_URL} to one such "
            "as sqlite:////path/runs.sqlite or postgresql+psycopg://user@host/db."
        ) from error


def connection_kwargs(
    environ: Mapping[str, str] | None = None, section: Mapping | None = None
) -> dict:
    """The keyword arguments for ``st.connection("runs", type="sql", **kwargs)`` (and for
    :func:`create_store_engine`): ``url`` and SQLAlchemy's ``create_engine`` arguments.

    ``section`` is ``[connections.runs]`` of ``.streamlit/secrets.toml`` as a mapping
    (``st.secrets.get("connections", {}).get("runs", {})``), if any. ``NNVIZ_DB_URL``
    wins over its ``url``; its ``create_engine_kwargs`` are kept, with the store's
    defaults added where it sets none: SQLite's busy timeout (``connect_args.timeout``)
    and PostgreSQL's lock timeout (``connect_args.options``). All are returned because
    ``st.connection`` lets a keyword argument replace a secrets.toml entry of the same
    name whole (``connect_args`` included). A section that gives ``dialect``/``host``
    rather than a ``url`` is left to Streamlit unless ``NNVIZ_DB_URL`` is set.
    """
    environ = os.environ if environ is None else environ
    section = dict(section or {})
    engine = dict(section.get("create_engine_kwargs") or {})
    connect_args = dict(engine.get("connect_args") or {})
    out: dict = {}
    if environ.get(ENV_URL, "").strip() or "url" in section or "dialect" not in section:
        out["url"] = db_url(environ, section.get("url"))
        dialect = _dialect(out["url"])
    else:
        dialect = str(section.get("dialect"))
    if dialect == "sqlite":
        connect_args.setdefault("timeout", SQLITE_TIMEOUT_S)
    elif dialect == "postgresql":
        connect_args.setdefault("options", f"-c lock_timeout={POSTGRES_LOCK_TIMEOUT_MS}")
        connect_args.setdefault("connect_timeout", POSTGRES_CONNECT_TIMEOUT_S)
        engine.setdefault("pool_pre_ping", True)
    if connect_args:
        engine["connect_args"] = connect_args
    return {**out, **engine}


def disabled(environ: Mapping[str, str] | None = None) -> bool:
    """``NNVIZ_DB_URL=none``: no run store (runs live in their tab's memory only)."""
    environ = os.environ if environ is None else environ
    return environ.get(ENV_URL, "").strip().lower() == DISABLED


def open_error(error: BaseException, environ: Mapping[str, str] | None = None) -> StoreError:
    """An error met while opening the store — Streamlit's (``st.connection``), SQLAlchemy's
    or the driver's — as a :class:`StoreError` whose message is for the person using the
    app (a StoreError is returned as it is)."""
    if isinstance(error, StoreError):
        return error
    if isinstance(error, sa_exc.SQLAlchemyError):
        return _translate(error, "open the run store", "")
    return StoreUnavailable(
        f"The run store cannot be opened ({_reason(error)}): check {ENV_URL} or "
        "[connections.runs] in .streamlit/secrets.toml."
    )


def max_bytes(environ: Mapping[str, str] | None = None) -> int:
    """The runs' total size cap: ``NNVIZ_DB_MAX_MB`` megabytes (default 2048); a value
    that is not a positive number is refused with a StoreError naming it."""
    environ = os.environ if environ is None else environ
    text = environ.get(ENV_MAX_MB, "").strip()
    if not text:
        return DEFAULT_MAX_MB * 2**20
    try:
        mb = float(text)
    except ValueError:
        mb = math.nan
    if not (mb > 0 and math.isfinite(mb)):
        raise StoreError(f"{ENV_MAX_MB}={_shown(text)} is not a positive number of megabytes.")
    return int(mb * 2**20)


def create_store_engine(
    environ: Mapping[str, str] | None = None, section: Mapping | None = None
) -> sa.Engine:
    """The engine :func:`connection_kwargs` describes, made without Streamlit (for
    scripts, tests and benchmarks; the app gets its own from ``st.connection``)."""
    kwargs = connection_kwargs(environ, section)
    return sa.create_engine(kwargs.pop("url"), **kwargs)
