"""The part of requirements.lock that a set of nnviz's extras needs, as a requirements file.

    python scripts/lockset.py [EXTRA ...] > part.txt

requirements.lock pins, with hashes, everything any extra needs (make lock resolves
``--extra test --extra dev``). This keeps the blocks of the packages the app needs to run
(``[project] dependencies`` in pyproject.toml), the named extras (``test``, ``dev``) and
the build backend, each with everything it needs in turn, found through the lock's own
``# via`` notes: a package is kept when something kept needs it. Standard library only:
it runs before anything is installed.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
PROJECT = "nnviz (pyproject.toml)"


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_name(spec: str) -> str:
    return canonical(NAME.match(spec.strip())[0])


def blocks(lock: str) -> dict[str, tuple[str, set[str]]]:
    """Each pinned package: its block of text and the packages it is there for (via)."""
    out: dict[str, tuple[str, set[str]]] = {}
    name, lines, via = None, [], set()
    for line in lock.splitlines(keepends=True):
        if NAME.match(line):  # "numpy==2.4.6 \" starts a block
            if name:
                out[name] = ("".join(lines), via)
            name, lines, via = requirement_name(line), [line], set()
            continue
        if name is None:
            continue  # the header's comments
        lines.append(line)
        note = line.strip().removeprefix("#").strip()
        if note.startswith("via "):
            via.add(note.removeprefix("via ").strip())
        elif line.startswith("    #   "):
            via.add(note)
    if name:
        out[name] = ("".join(lines), via)
    return out


def needed(extras: list[str]) -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    optional = project["project"].get("optional-dependencies", {})
    unknown = [e for e in extras if e not in optional]
    if unknown:
        sys.exit(
            f"lockset.py: no extra {', '.join(unknown)} in pyproject.toml ({', '.join(optional)})"
        )
    roots = {requirement_name(s) for s in project["project"]["dependencies"]}
    roots |= {requirement_name(s) for e in extras for s in optional[e]}
    roots |= {requirement_name(s) for s in project["build-system"]["requires"]}
    pinned = blocks((ROOT / "requirements.lock").read_text())
    missing = roots - set(pinned)
    if missing:
        sys.exit(
            f"lockset.py: {', '.join(sorted(missing))} not in requirements.lock: run make lock"
        )
    keep = set(roots)
    while True:  # a package is needed when something needed is what it is there for
        more = {
            name
            for name, (_, via) in pinned.items()
            if name not in keep and any(canonical(v) in keep for v in via if v != PROJECT)
        }
        if not more:
            break
        keep |= more
    return [text for name, (text, _) in pinned.items() if name in keep]


if __name__ == "__main__":
    sys.stdout.write("".join(needed(sys.argv[1:])))
