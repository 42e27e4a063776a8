"""The layers by path: only ``nnviz/ui/`` imports Streamlit; only ``nnviz/charts/`` and
``nnviz/app/views/`` import Plotly; everything else is NumPy (and pandas) only."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "nnviz"
STREAMLIT_OK = ("nnviz/ui/",)
PLOTLY_OK = ("nnviz/charts/", "nnviz/app/views/")


def _modules() -> dict[str, Path]:
    """Every module of the package: dotted name → file."""
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imported_roots(path: Path) -> set[str]:
    """Top-level packages a file imports (absolute imports only; relative ones stay inside)."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_streamlit_and_plotly_are_imported_only_where_they_belong():
    wrong = []
    for path in _modules().values():
        rel, roots = _rel(path), _imported_roots(path)
        if "streamlit" in roots and not rel.startswith(STREAMLIT_OK):
            wrong.append(f"{rel} imports streamlit")
        if "plotly" in roots and not rel.startswith(PLOTLY_OK):
            wrong.append(f"{rel} imports plotly")
    assert not wrong, wrong


def test_the_layer_check_sees_the_imports_it_guards():
    # the scan must find the imports it is there to forbid, or the test above proves nothing
    mods = _modules()
    assert "streamlit" in _imported_roots(mods["nnviz.ui.state"])
    assert "plotly" in _imported_roots(mods["nnviz.app.views"])
    assert "nnviz.app.explorer" in mods and "nnviz.charts" in mods


def test_core_modules_load_without_streamlit_or_plotly():
    core = [
        name
        for name, path in _modules().items()
        if not _rel(path).startswith(STREAMLIT_OK + PLOTLY_OK)
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


def test_only_the_run_store_speaks_to_the_database():
    users = sorted(
        _rel(path) for path in _modules().values() if "sqlalchemy" in _imported_roots(path)
    )
    assert users == ["nnviz/app/store.py"]
