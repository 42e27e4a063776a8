"""Shared AppTest fixtures and helpers for the app's tests (test_app*.py).

Notes on AppTest (Streamlit 1.67):

* ``AppTest.from_file`` resolves a relative path against the *calling file*, so the
  app is given by absolute path.
* ``run_every`` never fires, but the live fragment also runs in every full run, so a
  run with ``playing`` set trains one chunk (``tick``): that is how Play is tested.
* Seeding ``at.session_state["table_<v>"]`` with an edit record does not call the
  data editor's ``on_change`` (``fold_editor_edits``), so the app ignores it.
  ``edit_table`` below sends the record the way the browser does — as the editor's
  widget state — and then ``on_change`` runs as in a real session.
* ``.streamlit/config.toml`` sets ``showErrorDetails = "none"``, which redacts
  ``at.exception`` too; the ``app_config`` fixture switches details on.
* Download buttons only carry a media URL; ``downloads`` records the bytes that
  Streamlit stores behind each URL.
* The live numbers (Iteration, losses, score) are one ``st.components.v2`` element
  (``at.get("bidi_component")``, key ``live_metrics``) whose data is a JSON message
  with a row of texts per frame: ``live_numbers`` reads its last frame, and ``metric``
  looks there as well as in ``at.metric``.
* Plotly charts are ``UnknownElement``s (``at.get("plotly_chart")``): the element id
  ends with ``-<key>`` and ``proto.spec`` is the figure's JSON, where NumPy arrays are
  typed arrays (``{"dtype", "bdata", "shape"}``): ``figure`` and ``array`` decode them.
* ``at.query_params`` set before the first ``run()`` is the URL the session opens
  with; after each run it holds what the app wrote back (``st.query_params``).
* ``st.dataframe`` without ``on_select`` drops its ``key`` (empty element id), so a
  read-only table is found by ``editing_mode == "read_only"``, not by key.
* A keyed ``number_input`` keeps its state when its ``value=`` argument changes (the
  key alone is its identity), in AppTest as in the browser.
"""

from __future__ import annotations

import os

# One BLAS thread, as the app runs (app.py sets the same before NumPy loads): with a
# thread per core, a busy machine made the small products of a training step wait on
# each other (1,500 steps of a 62k-weight network: 36 s instead of 1 s).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import base64  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import plotly.io  # noqa: E402
import pytest  # noqa: E402
from streamlit import config  # noqa: E402
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from nnviz.app.explorer import Explorer  # noqa: E402
from nnviz.charts.patch import apply_patch  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"


# ---------------------------------------------------------------------------- helpers


def ok(at: AppTest) -> AppTest:
    assert not at.exception, "\n".join(
        e.message + "\n" + "\n".join(e.stack_trace) for e in at.exception
    )
    return at


def run(at: AppTest) -> AppTest:
    return ok(at.run())


def click(at: AppTest, key: str) -> AppTest:
    return ok(at.button(key=key).click().run())


def live_numbers(at: AppTest) -> dict[str, str]:
    """The live numbers the page shows once their frames have played: label → text."""
    for el in at.get("bidi_component"):
        if el.key == "live_metrics":
            message = json.loads(el.proto.bytes)
            return {m["label"]: v for m, v in zip(message["metrics"], message["values"][-1])}
    return {}


def metric(at: AppTest, label: str) -> str:
    """The text shown for ``label``: a live number or an ``st.metric``."""
    found = [m.value for m in at.metric if shown_text(m.label) == label]
    numbers = live_numbers(at)
    if label in numbers:
        found.insert(0, numbers[label])
    assert found, (label, [*numbers, *(shown_text(m.label) for m in at.metric)])
    return found[0]


def until_done(at: AppTest, runs: int = 1000) -> AppTest:
    """Run the page until no heavy action is under way (``nnviz.ui.jobs``: each run of
    the live view does a piece of it, as the browser's requests for the next chunk do).
    A quick one is done in its click's run already."""
    for _ in range(runs):
        if "_job" not in at.session_state:
            return at
        run(at)
    raise AssertionError(f"a heavy action is still under way after {runs} runs")


def open_tab(at: AppTest, title: str) -> AppTest:
    """Choose a tab, as a click on it does (only the open tab is built), and wait for
    the work it starts (the loss landscape's) to end."""
    at.session_state["tab"] = title
    return until_done(run(at))


def step_n(at: AppTest, n: int = 10) -> AppTest:
    """Step ×N with N chosen in the same run (short runs keep the animation tab cheap),
    followed to its end."""
    at.selectbox(key="step_n_count").set_value(n)
    return until_done(click(at, "step_n"))


def play_label(at: AppTest) -> str:
    label = at.button(key="play").label
    assert ("Play" in label) != ("Pause" in label), label
    return "Pause" if "Pause" in label else "Play"


def iteration(at: AppTest) -> int:
    return int(metric(at, "Iteration").replace(",", ""))


def explorer(at: AppTest) -> Explorer:
    return at.session_state["explorer"]


def params(at: AppTest) -> np.ndarray:
    return explorer(at).network.params.copy()


def shown_text(markdown: str) -> str:
    """What a person reads from a Markdown string the app escaped (``nnviz.ui.text.md``)."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u200b", "")


def errors(at: AppTest) -> list[str]:
    return [shown_text(e.value) for e in at.error]


def warnings(at: AppTest) -> list[str]:
    return [shown_text(w.value) for w in at.warning]


def toasts(at: AppTest) -> list[str]:
    return [shown_text(t.value) for t in at.toast]


def infos(at: AppTest) -> list[str]:
    return [shown_text(i.value) for i in at.info]


def edit_table(at: AppTest, record: dict) -> AppTest:
    """Edit the data editor as the browser does: its widget state is the edit record (JSON).

    Unlike seeding ``at.session_state[key]``, this makes Streamlit call the editor's
    on_change, as a real edit does. Uses AppTest internals (``_tree``, ``_run``).
    """
    key = f"table_{at.session_state['table_version']}"
    editor = at.data_editor(key=key)
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = editor.proto.id
    state.string_value = json.dumps(
        {"edited_rows": {}, "added_rows": [], "deleted_rows": [], **record}
    )
    return ok(at._run(states))


def array(value) -> np.ndarray:
    """A figure's data array: a Plotly typed array ({dtype, bdata, shape}) or a list."""
    if isinstance(value, dict) and "bdata" in value:
        out = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        if shape is not None:
            out = out.reshape([int(s) for s in str(shape).split(",")])
        return out
    return np.asarray(value, dtype=float)


def chart_keys(at: AppTest) -> list[str]:
    """Keys of every chart on the page: Plotly charts and live charts."""
    return [
        c.proto.id.rsplit("-", 1)[-1] for c in [*at.get("plotly_chart"), *at.get("bidi_component")]
    ]


def figure(at: AppTest, key: str) -> dict:
    """The Plotly figure (as JSON) of the chart drawn with ``key``: a Plotly chart's
    spec, or what a live chart shows (the figure its browser holds with the last patch,
    typed arrays as lists)."""
    found = [c for c in at.get("plotly_chart") if c.proto.id.endswith(f"-{key}")]
    live = [c for c in at.get("bidi_component") if c.proto.id.endswith(f"-{key}")]
    assert len(found) + len(live) == 1, (key, chart_keys(at))
    if found:
        return json.loads(found[0].proto.spec)
    shown = at.session_state["_live_charts"][key]
    return json.loads(
        plotly.io.to_json(apply_patch(shown.base, shown.frames[-1]) if shown.frames else shown.base)
    )


def trace_named(fig: dict, name: str) -> dict:
    found = [t for t in fig["data"] if t.get("name") == name]
    assert len(found) == 1, (name, [t.get("name") for t in fig["data"]])
    return found[0]


def title(fig: dict) -> str:
    return (fig["layout"].get("title") or {}).get("text") or ""


def open_app(query: dict | None = None) -> AppTest:
    """A new session of the app, opened with ``query`` as the URL's parameters."""
    at = AppTest.from_file(str(APP), default_timeout=60)
    if query:
        at.query_params.update({k: str(v) for k, v in query.items()})
    return run(at)


@pytest.fixture
def app_config(monkeypatch):
    monkeypatch.chdir(ROOT)
    # .streamlit/config.toml hides error details (showErrorDetails = "none"), which also
    # redacts at.exception: show them while testing.
    old = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")
    try:
        yield
    finally:
        config.set_option("client.showErrorDetails", old)


@pytest.fixture
def new_app(app_config):
    """``new_app(query=None)``: open another session (e.g. with URL parameters)."""
    return open_app


@pytest.fixture
def at(new_app) -> AppTest:
    return new_app()


class Downloads(dict):
    """url → bytes; ``names``: url → the file name the browser saves it as."""

    def __init__(self):
        super().__init__()
        self.names = {}


@pytest.fixture
def downloads(monkeypatch) -> dict:
    """url → bytes of every file Streamlit stores for a download button."""
    stored = Downloads()
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        file_id = original(self, path_or_data, mimetype, kind, filename)
        stored[self.get_url(file_id)] = path_or_data
        stored.names[self.get_url(file_id)] = filename
        return file_id

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return stored


# ---------------------------------------------------------------------------- databases
@pytest.fixture(scope="session", autouse=True)
def run_store_file(tmp_path_factory):
    """The run store the app's sessions save into during the tests (AppTests and the
    servers the browser tests start inherit it): a SQLite file of the test run's own,
    never the user's ~/.local/share/nnviz/runs.sqlite."""
    import os

    import sqlalchemy as sa

    path = tmp_path_factory.mktemp("store") / "runs.sqlite"
    url = sa.URL.create("sqlite", database=str(path)).render_as_string()
    old = os.environ.get("NNVIZ_DB_URL")
    os.environ["NNVIZ_DB_URL"] = url
    try:
        yield path
    finally:
        if old is None:
            os.environ.pop("NNVIZ_DB_URL", None)
        else:
            os.environ["NNVIZ_DB_URL"] = old


@pytest.fixture(scope="session")
def postgres_url():
    """A throwaway PostgreSQL cluster for the session (tests/postgres.py); skipped where
    Debian's postgresql is not installed, except in CI, where it must be."""
    import os

    from postgres import Cluster, pg_bin

    bin_dir = pg_bin()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail(
                "PostgreSQL's programs are missing: scripts/setup.sh --postgres installs them"
            )
        pytest.skip("PostgreSQL is not installed (make test installs it)")
    cluster = Cluster(bin_dir)
    try:
        yield cluster.start()
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path):
    """An empty database of each kind: a SQLite file in a temporary folder, or the session's
    PostgreSQL cluster (its tables dropped afterwards)."""
    import sqlalchemy as sa

    from nnviz.app.store import create_store_engine

    if request.param == "sqlite":
        url = sa.URL.create("sqlite", database=str(tmp_path / "runs.sqlite")).render_as_string()
    else:
        url = request.getfixturevalue("postgres_url")
    eng = create_store_engine({"NNVIZ_DB_URL": url, "HOME": str(tmp_path)})
    yield eng
    if request.param == "postgresql":
        tables = sa.MetaData()
        tables.reflect(eng)
        tables.drop_all(eng)
    eng.dispose()
