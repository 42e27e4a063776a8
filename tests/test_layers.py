"""The core imports neither Streamlit nor Plotly; only the charts and the UI do."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORE = ["nnviz", "nnviz.explorer", "nnviz.settings", "nnviz.runs", "nnviz.urlstate",
        "nnviz.inspector", "nnviz.data", "nnviz.export", "nnviz.thinning"]


def test_core_modules_load_without_streamlit_or_plotly():
    code = (
        "import sys\n"
        f"for m in {CORE!r}: __import__(m)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('plotly', 'streamlit'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == "", f"the core pulled in: {out}"
