"""History must not be bypassed: no bulk write on a tracked model in the application's code, and
history is never pruned (rule 9). A bulk write skips simple-history and the audit chain."""

import re
from pathlib import Path

import pytest
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


def test_bulk_writes_on_guarded_querysets_raise_unless_the_caller_writes_history(db):
    from datetime import date

    from alliance.bulk_guard import BulkWriteSkipsHistory, history_written_by_caller
    from alliance.models import Membership
    from roles.models import RoleAssignment
    from tests.factories import MembershipFactory, RoleAssignmentFactory

    membership = MembershipFactory()
    assignment = RoleAssignmentFactory()
    queryset = Membership.objects.filter(pk=membership.pk)  # a queryset kept in a variable
    with pytest.raises(BulkWriteSkipsHistory, match="writes no history row"):
        queryset.update(left_on=date(2030, 1, 1))
    with pytest.raises(BulkWriteSkipsHistory):
        assignment.person.assignments.update(ends_on=date(2030, 1, 1))  # a related manager
    with pytest.raises(BulkWriteSkipsHistory):
        RoleAssignment.objects.bulk_update([assignment], ["ends_on"])
    with pytest.raises(BulkWriteSkipsHistory):
        Membership.objects.bulk_create(
            [Membership(alliance=membership.alliance, organisation=membership.organisation, joined_on=date(2030, 1, 1))]
        )
    membership.refresh_from_db()
    assert membership.left_on is None
    with history_written_by_caller():
        assert queryset.update(left_on=date(2030, 1, 1)) == 1


def test_guarded_querysets_cover_the_named_models():
    from alliance.bulk_guard import HistoryGuardMixin

    for label in (
        "alliance.Membership",
        "roles.RoleAssignment",
        "roles.DelegatedAuthority",
        "roles.InterestDeclaration",
    ):
        assert isinstance(apps.get_model(label).objects.all(), HistoryGuardMixin), label
