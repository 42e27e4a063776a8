"""The layers: imports run one way, down.

nnviz's own modules stand in five layers, each importing only its own layer or the
ones below it (bottom first):

1. **core** — the maths, NumPy only: ``nnviz/limits.py`` (imports nothing),
   ``errors``, ``_checks``, ``_quiet``, ``activations``, ``initializers``, ``losses``,
   ``optimizers``, ``thinning``, ``metrics``, ``network``, ``gradcheck``,
   ``landscape``, ``quoting`` (how messages quote a user's values).
2. **data** (``nnviz/data/``: tables, presets, features, ``prepare``) and **charts**
   (``nnviz/charts/``: pure Plotly builders) side by side: neither imports the other.
3. **trainer** — a run and what is kept of it: ``history``, ``trainer`` (and
   ``trainer_state``: its saved state, checked), ``chunks``
   (training for a time budget), ``export/`` (model files and the standalone script:
   they read the data's scaler and feature grammar, so they stand above the data),
   and the package's face ``nnviz/__init__.py``.
4. **app** — the app's model without Streamlit: ``nnviz/app/`` (its ``views/`` draw
   with ``nnviz.charts``).
5. **ui** — Streamlit: ``nnviz/ui/`` and ``app.py``.

Every import counts: absolute and relative, at the top of a module, inside a function
or under ``TYPE_CHECKING``. And no module of the package imports itself back through
others (no circle, whatever the layers). Only ``nnviz/ui/`` (and ``app.py``) import
Streamlit; only ``nnviz/charts/`` and ``nnviz/app/views/`` import Plotly; only the run
store (``nnviz/app/store.py``) imports SQLAlchemy.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "nnviz"
STREAMLIT_OK = ("nnviz/ui/",)
PLOTLY_OK = ("nnviz/charts/", "nnviz/app/views/")

CORE = (
    "nnviz/limits.py",
    "nnviz/errors.py",
    "nnviz/_checks.py",
    "nnviz/_quiet.py",
    "nnviz/activations.py",
    "nnviz/initializers.py",
    "nnviz/losses.py",
    "nnviz/optimizers.py",
    "nnviz/thinning.py",
    "nnviz/metrics.py",
    "nnviz/network.py",
    "nnviz/gradcheck.py",
    "nnviz/landscape.py",
    "nnviz/quoting.py",
)
TRAINER = (
    "nnviz/history.py",
    "nnviz/trainer.py",
    "nnviz/trainer_state.py",
    "nnviz/chunks.py",
    "nnviz/export/",
    "nnviz/__init__.py",
)
#: (layer, its height, the files and folders in it): a module imports its own layer or
#: a lower one; two layers of one height (data, charts) do not import each other.
LAYERS = (
    ("core", 0, CORE),
    ("data", 1, ("nnviz/data/",)),
    ("charts", 1, ("nnviz/charts/",)),
    ("trainer", 2, TRAINER),
    ("app", 3, ("nnviz/app/",)),
    ("ui", 4, ("nnviz/ui/", "app.py")),
)


def _modules() -> dict[str, Path]:
    """Every module of the package, and app.py: dotted name → file."""
    out = {"app": ROOT / "app.py"}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def layer_of(rel: str) -> tuple[str, int]:
    """The layer a file (its path from the repository's root) stands in."""
    for name, height, places in LAYERS:
        if any(rel == p or (p.endswith("/") and rel.startswith(p)) for p in places):
            return name, height
    raise AssertionError(f"{rel} is in no layer: add it to LAYERS in tests/test_layers.py")


def imported_modules(rel: str, source: str, known) -> set[str]:
    """The modules of ``known`` (dotted names) that the file ``rel`` imports: absolute or
    relative, anywhere in the file (inside functions and TYPE_CHECKING blocks too).
    ``from package import name`` counts the submodule when ``name`` is one."""
    parts = list(Path(rel).with_suffix("").parts)
    package = parts[:-1]  # a module's package; a package's __init__ is its own
    found = set()
    for node in ast.walk(ast.parse(source, rel)):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names} & set(known)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            # from a package, a module of it by name counts as that module
            modules = {f"{module}.{alias.name}" for alias in node.names} & set(known)
            found |= modules or ({module} & set(known))
    return found


def _imported_roots(path: Path) -> set[str]:
    """Top-level packages a file imports (absolute imports, anywhere in the file)."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def _graph() -> dict[str, set[str]]:
    mods = _modules()
    return {
        name: imported_modules(_rel(path), path.read_text(), mods) - {name}
        for name, path in mods.items()
    }


def wrong_way(graph: dict[str, set[str]], files: dict[str, str]) -> list[str]:
    """Every import that runs up, or sideways between two layers of one height."""
    wrong = []
    for name, targets in graph.items():
        layer, height = layer_of(files[name])
        for target in sorted(targets):
            other, other_height = layer_of(files[target])
            if other_height > height or (other_height == height and other != layer):
                wrong.append(f"{files[name]} ({layer}) imports {files[target]} ({other})")
    return wrong


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of the graph (one path round each strongly connected part)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(v: str) -> None:  # Tarjan's algorithm
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            part = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                part.append(w)
                if w == v:
                    break
            if len(part) > 1:
                out.append(sorted(part))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_every_file_is_in_a_layer():
    for path in _modules().values():
        layer_of(_rel(path))


def test_imports_run_down_the_layers():
    files = {name: _rel(path) for name, path in _modules().items()}
    assert not (wrong := wrong_way(_graph(), files)), "\n".join(wrong)


def test_no_module_imports_itself_back():
    assert not (found := circles(_graph())), found


@pytest.mark.parametrize(
    "rel, source, target",
    [
        # the import the data had of the app, inside a property
        (
            "nnviz/data/presets.py",
            "def task(self):\n    from ..app.explorer import infer_task\n",
            "nnviz/app/explorer.py",
        ),
        # a relative import of a package's module by name
        (
            "nnviz/export/_validate.py",
            "def f():\n    from .. import app\n",
            "nnviz/app/__init__.py",
        ),
        ("nnviz/network.py", "from .data import limits\n", "nnviz/data/limits.py"),
        # an absolute one, and one only for type checkers
        ("nnviz/charts/loss.py", "import nnviz.data.tables\n", "nnviz/data/tables.py"),
        (
            "nnviz/trainer.py",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .app.runlog import RunLog\n",
            "nnviz/app/runlog.py",
        ),
        # the app below the user interface, app.py at the top
        ("nnviz/app/settings.py", "from ..ui import state\n", "nnviz/ui/state.py"),
        ("nnviz/app/edits.py", "import app\n", "app.py"),
    ],
)
def test_the_layer_check_sees_the_imports_it_guards(rel, source, target):
    mods = _modules()
    files = {name: _rel(path) for name, path in mods.items()}
    found = imported_modules(rel, source, mods)
    assert [files[m] for m in found] == [target]
    (name,) = [n for n, f in files.items() if f == rel]
    assert wrong_way({name: found}, files) != []
    (other,) = found
    if layer_of(target)[1] != layer_of(rel)[1]:  # and the same import down is fine
        assert wrong_way({other: {name}}, files) == []


def test_the_circle_check_sees_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert circles(graph) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


def test_streamlit_and_plotly_are_imported_only_where_they_belong():
    wrong = []
    for path in _modules().values():
        rel, roots = _rel(path), _imported_roots(path)
        if rel == "app.py":
            continue
        if "streamlit" in roots and not rel.startswith(STREAMLIT_OK):
            wrong.append(f"{rel} imports streamlit")
        if "plotly" in roots and not rel.startswith(PLOTLY_OK):
            wrong.append(f"{rel} imports plotly")
    assert not wrong, wrong


def test_the_streamlit_check_sees_the_imports_it_guards():
    # the scan must find the imports it is there to forbid, or the test above proves nothing
    mods = _modules()
    assert "streamlit" in _imported_roots(mods["nnviz.ui.state"])
    assert "plotly" in _imported_roots(mods["nnviz.app.views"])
    assert "nnviz.app.explorer" in mods and "nnviz.charts" in mods


def test_core_modules_load_without_streamlit_or_plotly():
    core = [
        name
        for name, path in _modules().items()
        if not _rel(path).startswith(STREAMLIT_OK + PLOTLY_OK) and name != "app"
    ]
    assert "nnviz.app.explorer" in core and "nnviz.network" in core
    code = (
        "import sys\n"
        f"for m in {core!r}: __import__(m)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('plotly', 'streamlit'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"the core pulled in: {out}"


def test_the_limits_load_alone():
    """The bottom of the house imports nothing: every layer can read the limits."""
    code = (
        "import sys\nimport nnviz.limits\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('numpy', 'pandas'))))\n"
    )
    src = (PACKAGE / "limits.py").read_text()
    assert not [
        n
        for n in ast.walk(ast.parse(src))
        if isinstance(n, ast.Import | ast.ImportFrom)
        and not (isinstance(n, ast.ImportFrom) and n.module == "__future__")
    ]
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert "pandas" not in out


def test_only_the_run_store_speaks_to_the_database():
    users = sorted(
        _rel(path) for path in _modules().values() if "sqlalchemy" in _imported_roots(path)
    )
    assert users and all(u.startswith("nnviz/app/store/") for u in users), users
