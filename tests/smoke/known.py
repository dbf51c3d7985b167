"""Findings of the smoke walk that the current code still has, one file per standing in known/.

Each line is one problem the walk groups by route (ids as {id}): ``kind route -> status``. The walk
fails on a problem that is not listed here (a new leak or crash), and says which listed ones no longer
occur (fixed: delete the line). The lists exist so that the suite can run in CI while the read rule is
being rewritten; each line is a bug to fix, not an exception to keep. Regenerate a standing's list with
``SMOKE_UPDATE_KNOWN=1``; ignore the lists (report everything) with ``SMOKE_KNOWN=ignore``.
"""

from __future__ import annotations

import os
from pathlib import Path

KNOWN_DIR = Path(__file__).resolve().parent / "known"


def path(name: str) -> Path:
    return KNOWN_DIR / f"{name}.txt"


def load(name: str) -> set[str]:
    if os.environ.get("SMOKE_KNOWN") == "ignore" or not path(name).exists():
        return set()
    lines = path(name).read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


def save(name: str, keys: set[str], heading: str) -> None:
    KNOWN_DIR.mkdir(exist_ok=True)
    header = [
        f"# Known findings of {heading}: each line a bug to fix (tests/smoke/known.py).",
        "# When one is fixed, delete its line, or regenerate with SMOKE_UPDATE_KNOWN=1.",
    ]
    path(name).write_text("\n".join(header + sorted(keys)) + "\n")


def updating() -> bool:
    return bool(os.environ.get("SMOKE_UPDATE_KNOWN"))
