"""History must not be bypassed: no bulk write on a tracked model in the application's code, and
history is never pruned (rule 9). A bulk write skips simple-history and the audit chain."""

import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parents[2]
APP_DIRS = ["alliance", "roles", "decisions", "contracts", "api"]
# The benchmark builds a throwaway database in bulk, history rows and chain links included.
EXEMPT = ("migrations", "benchmark")
BULK = re.compile(r"\b([A-Z]\w+)\.(?:objects|_default_manager)\b[^\n]*?\.(update|bulk_update|bulk_create)\(")


def tracked_model_names() -> set[str]:
    return {m.__name__ for m in apps.get_models() if hasattr(m, "history") and hasattr(m.history, "model")}


def app_sources():
    for folder in APP_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            if not any(part in EXEMPT for part in path.parts):
                yield path


def test_no_bulk_write_on_a_tracked_model():
    tracked = tracked_model_names()
    offenders = [
        f"{path.relative_to(ROOT)}:{n}: {match.group(1)}.{match.group(2)}"
        for path in app_sources()
        for n, line in enumerate(path.read_text().splitlines(), start=1)
        for match in BULK.finditer(line)
        if match.group(1) in tracked
    ]
    assert not offenders, "Bulk writes skip history and the audit chain: " + "; ".join(offenders)


def test_history_is_never_pruned():
    mentions = [str(p.relative_to(ROOT)) for p in app_sources() if "clean_old_history" in p.read_text()]
    mentions += [
        str(p.relative_to(ROOT))
        for p in [ROOT / ".ci" / "run", ROOT / "Makefile"]
        if "clean_old_history" in p.read_text()
    ]
    assert not mentions
