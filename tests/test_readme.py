"""The README's example runs and says what it claims."""

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_example_runs(capsys):
    code = re.search(r"```python\n(.*?)```", README.read_text(), re.S).group(1)
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    score = float(re.search(r"\[\[([0-9.]+)\]\]", printed).group(1))
    assert 80 < score < 100  # "≈ [[90.]] — in points, not 0.9"


def test_readme_has_the_two_commands():
    text = README.read_text()
    assert "make run" in text and "make test" in text
    assert "make test" in (README.parent / ".ci" / "run").read_text()
