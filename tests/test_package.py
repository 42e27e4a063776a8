"""nnviz installed as a wheel (``pip install .``, not editable) has its live charts.

The wheel carries Streamlit's component manifest (``nnviz/pyproject.toml``), the live
view's scripts and plotly.js's cartesian bundle with its licence; installed into a
virtual environment of its own, Streamlit finds the components there, the page draws
its live elements with them, and nothing is written into the installed package.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from pathlib import Path

import plotly.offline

from nnviz.ui import livechart

ROOT = Path(__file__).resolve().parents[1]

CHECK = textwrap.dedent("""
    import json, sys
    from pathlib import Path
    import nnviz
    from streamlit.components.v2.component_manager import BidiComponentManager
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(sys.argv[1], default_timeout=120).run()
    manager = BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    numbers = [e for e in at.get("bidi_component") if e.key == "live_metrics"]
    print(json.dumps({
        "nnviz": nnviz.__file__,
        "exceptions": [e.message for e in at.exception],
        "elements": {e.key: e.proto.component_name for e in at.get("bidi_component")},
        "numbers": json.loads(numbers[0].proto.bytes)["values"][-1] if numbers else None,
        "metrics": [m.label for m in at.metric],
        "roots": {name: manager.get_component_path(name)
                  for name in ("nnviz.live_chart", "nnviz.presenter_keys")},
    }))
""")


def test_the_bundle_is_plotly_js_of_the_pinned_plotly_named_by_its_content():
    (bundle,) = livechart.ASSETS.glob("plotly-cartesian-*.min.js")
    version, digest = re.fullmatch(
        r"plotly-cartesian-(.+)\.(\w{12})\.min\.js", bundle.name
    ).groups()
    assert version == plotly.offline.get_plotlyjs_version()
    data = bundle.read_bytes()
    assert hashlib.sha256(data).hexdigest()[:12] == digest
    assert f"plotly.js (cartesian - minified) v{version}".encode() in data[:200]
    licence = (livechart.ASSETS / "plotly-cartesian.LICENSE").read_text()
    assert "MIT License" in licence and f"plotly.js-cartesian-dist-min {version}" in licence
    assert bundle.name == livechart.BUNDLE


def _files(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if "__pycache__" not in p.parts}


def test_a_wheel_installed_in_a_venv_of_its_own_has_the_live_charts(tmp_path):
    # built from a clean copy of the sources (a build/ folder left in the tree would
    # lend the wheel its files)
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "screenshots"
        ),
    )
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q"]
        + ["--no-cache-dir", "-w", str(dist), str(source)],
        check=True,
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
    )
    (wheel,) = dist.glob("nnviz-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "nnviz/pyproject.toml",
        "nnviz/ui/assets/live_chart.js",
        "nnviz/ui/assets/presenter_keys.js",
        f"nnviz/ui/assets/{livechart.BUNDLE}",
        "nnviz/ui/assets/plotly-cartesian.LICENSE",
    } <= names

    # a venv whose only nnviz is the wheel's: the dependencies linked from this one
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    ours = Path(sysconfig.get_paths()["purelib"])
    for entry in ours.iterdir():
        if "nnviz" not in entry.name.lower():
            (site / entry.name).symlink_to(entry)
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q"]
        + ["--target", str(site), str(wheel)],
        check=True,
        stdin=subprocess.DEVNULL,
    )
    installed = site / "nnviz"
    before = _files(installed)

    # the app, away from the source tree (else its folder's nnviz/ would be imported)
    app = tmp_path / "app"
    app.mkdir()
    shutil.copy(ROOT / "app.py", app / "app.py")
    shutil.copytree(ROOT / ".streamlit", app / ".streamlit")
    (tmp_path / "check.py").write_text(CHECK)
    out = subprocess.run(
        [str(python), str(tmp_path / "check.py"), str(app / "app.py")],
        check=True,
        capture_output=True,
        text=True,
        cwd=app,
        stdin=subprocess.DEVNULL,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert Path(result["nnviz"]).resolve().parent == installed.resolve()
    assert result["exceptions"] == []
    for name in ("nnviz.live_chart", "nnviz.presenter_keys"):
        assert result["roots"][name], f"Streamlit did not find {name}'s asset folder"
        assert Path(result["roots"][name]).resolve() == (installed / "ui" / "assets").resolve()
    elements = result["elements"]
    assert elements["live_metrics"] == "nnviz.live_chart"
    assert elements["presenter_keys"] == "nnviz.presenter_keys"
    assert {elements[k] for k in ("loss_chart", "plane_chart", "diagram_chart")} == {
        "nnviz.live_chart"
    }
    assert result["numbers"][0] == "0" and result["metrics"] == []  # live numbers, not st.metric
    assert _files(installed) == before  # nothing written into the package at run time
