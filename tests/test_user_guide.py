"""Every screenshot the user guide shows is taken by a browser journey and is in docs/screenshots/
(copy a fresh set with `make guide-screenshots` after running the journeys)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "user-guide.md"


def _guide_images() -> set[str]:
    return set(re.findall(r"\]\(screenshots/([\w-]+)\.png\)", GUIDE.read_text()))


def _taken_by_journeys() -> set[str]:
    sources = "".join(p.read_text() for p in (ROOT / "tests" / "browser").glob("test_*.py"))
    return set(re.findall(r'guide_screenshot\(\s*page,\s*"([\w-]+)"', sources))


def test_every_guide_screenshot_is_taken_by_a_journey():
    missing = _guide_images() - _taken_by_journeys()
    assert not missing, f"docs/user-guide.md shows screenshots no journey takes: {sorted(missing)}"


def test_every_guide_screenshot_is_in_docs():
    missing = [name for name in _guide_images() if not (ROOT / "docs" / "screenshots" / f"{name}.png").exists()]
    assert not missing, f"missing from docs/screenshots/ (run the journeys, then `make guide-screenshots`): {missing}"
