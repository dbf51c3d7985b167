"""Importing an earlier decision log: dry run, all-or-nothing confirm, references kept and continued."""

import hashlib
from datetime import date

import pytest

from alliance.audit.verify import verify
from alliance.import_models import ImportRun
from alliance.models import AuditLink
from alliance.services import allocate_reference
from decisions import services as decision_services
from decisions.imports import ImportRefused, run_import
from decisions.models import Decision
from roles.standing import SYSTEM
from tests.helpers import actor_for, rows
from tests.imports.files import csv_file, excel_windows_csv, xlsx_file
from tests.scenes import OPENED

HEADER = ["Reference", "Body", "Title", "Proposal", "Kind", "Outcome", "Decided on", "Reasons", "Visibility", "Tags"]


def decision_row(number: int, **cells) -> list[str]:
    row = {
        "Reference": f"ALT-2021-{number:03d}",
        "Body": "ALT",
        "Title": f"Past decision {number}",
        "Proposal": "That the alliance does what it did.",
        "Kind": "Key decision",
        "Outcome": "Agreed",
        "Decided on": "2021-02-10",
        "Reasons": "It was agreed at the time.",
        "Visibility": "Members",
        "Tags": "history, outreach",
    }
    row.update(cells)
    return [row[h] for h in HEADER]


def run(scene, content, *, confirm=False, name="log.csv", actor=SYSTEM):
    return run_import(
        actor=actor, alliance=scene.alliance, kind="decisions", file_name=name, content=content, confirm=confirm
    )


def test_dry_run_shows_each_row_and_writes_nothing(scene):
    content = csv_file(HEADER, decision_row(1), decision_row(2))
    before = rows(Decision, ImportRun, AuditLink)
    preview = run(scene, content)
    assert [r.number for r in preview.rows] == [2, 3]
    assert preview.rows[0].created == ["Decision: ALT-2021-001: Past decision 1"]
    assert preview.run is None
    assert rows(Decision, ImportRun, AuditLink) == before


def test_confirm_keeps_references_dates_and_provenance(scene):
    content = csv_file(HEADER, decision_row(1), decision_row(3, Outcome="Not agreed", **{"Decided on": "03/03/2021"}))
    secretary = actor_for(scene.secretary)
    preview = run(scene, content, confirm=True, actor=secretary)
    first, third = Decision.objects.filter(alliance=scene.alliance).order_by("reference")
    assert (first.reference, first.status, first.decided_on) == ("ALT-2021-001", "AGREED", date(2021, 2, 10))
    assert (third.reference, third.status, third.decided_on) == ("ALT-2021-003", "NOT_AGREED", date(2021, 3, 3))
    assert first.tags == ["history", "outreach"] and first.is_sealed
    run_record = preview.run
    assert run_record.sha256 == hashlib.sha256(content).hexdigest()
    assert (run_record.file_name, run_record.size, run_record.rows, run_record.records_created) == (
        "log.csv",
        len(content),
        2,
        2,
    )
    assert run_record.imported_by == scene.secretary.user
    assert [c["id"] for c in run_record.created] == [first.pk, third.pk]
    assert run_record.history.count() == 1


def test_history_rows_carry_the_source_import(scene):
    preview = run(scene, csv_file(HEADER, decision_row(1)), confirm=True)
    decision = Decision.objects.get(reference="ALT-2021-001")
    link = AuditLink.objects.get(object_model="decisions.decision", object_id=str(decision.pk))
    assert link.source == "import"
    assert AuditLink.objects.get(object_model="alliance.importrun", object_id=str(preview.run.pk)).source == "import"
    assert verify() == []  # the trail, the import's links included, is intact


def test_references_continue_after_the_imported_ones(scene):
    run(scene, csv_file(HEADER, decision_row(1), decision_row(4), decision_row(2)), confirm=True)
    opened = scene.open()  # opened in March 2021, as the scene's decisions are
    assert opened.reference == "ALT-2021-005"
    assert allocate_reference(alliance=scene.alliance, series="ALT", year=2021) == "ALT-2021-006"


def test_an_imported_reference_already_in_the_log_is_refused(scene):
    opened = scene.open()
    assert opened.reference == "ALT-2021-001"
    with pytest.raises(ImportRefused) as info:
        run(scene, csv_file(HEADER, decision_row(1)), confirm=True)
    assert "ALT-2021-001 is already in the decision log" in info.value.preview.refused[0].refusal


def test_one_bad_row_refuses_the_whole_file_and_names_it(scene):
    content = csv_file(HEADER, decision_row(1), decision_row(2, Outcome="Maybe"), decision_row(3, Body="XYZ"))
    before = rows(Decision, ImportRun, AuditLink)
    with pytest.raises(ImportRefused) as info:
        run(scene, content, confirm=True)
    assert rows(Decision, ImportRun, AuditLink) == before
    refused = [(r["row"], r["column"]) for r in info.value.as_dict()["rows"]]
    assert refused == [(3, "Outcome"), (4, "Body")]
    # It lists only the outcomes a past decision may have, not every status a decision passes through.
    assert info.value.preview.refused[0].refusal.endswith("'Maybe' is not one of: Agreed, Not agreed, Withdrawn.")
    # The good row is still shown as what it would create.
    assert info.value.preview.rows[0].created == ["Decision: ALT-2021-001: Past decision 1"]


def test_rules_apply_an_open_outcome_is_refused(scene):
    with pytest.raises(ImportRefused) as info:
        run(scene, csv_file(HEADER, decision_row(1, Outcome="Open for votes")))
    assert info.value.preview.refused[0].column == "Outcome"
    assert "is not one of: Agreed, Not agreed, Withdrawn." in info.value.preview.refused[0].refusal


def test_the_service_refuses_a_past_decision_still_open_and_writes_nothing(scene):
    before = rows(Decision, AuditLink)
    with pytest.raises(Exception) as info:
        decision_services.record_past_decision(
            actor=SYSTEM, body=scene.body, reference="ALT-2020-008", title="Old", proposal="Old", kind="KEY",
            status="OPEN", decided_on=date(2020, 11, 1),
        )  # fmt: skip
    assert info.value.code == "past_decision_status"
    assert "recorded closed" in str(info.value)
    assert rows(Decision, AuditLink) == before


def test_a_future_date_is_refused(scene):
    with pytest.raises(ImportRefused) as info:
        run(scene, csv_file(HEADER, decision_row(1, **{"Decided on": "2999-01-01"})))
    assert info.value.preview.refused[0].column == "Decided on"


def test_excel_windows_csv_with_semicolons_and_pound_sign(scene):
    header = [*HEADER, "Value"]
    content = excel_windows_csv(header, [*decision_row(1, Title="Fund the £ night hub"), "£12,500.00"])
    run(scene, content, confirm=True)
    decision = Decision.objects.get(reference="ALT-2021-001")
    assert decision.title == "Fund the £ night hub"
    assert str(decision.value) == "12500.00"


def test_xlsx_with_real_dates(scene):
    row = decision_row(1)
    row[HEADER.index("Decided on")] = date(2021, 1, 15)
    run(scene, xlsx_file(HEADER, row), confirm=True, name="log.xlsx")
    assert Decision.objects.get(reference="ALT-2021-001").decided_on == date(2021, 1, 15)


def test_the_same_file_twice_is_refused(scene):
    content = csv_file(HEADER, decision_row(1))
    run(scene, content, confirm=True)
    with pytest.raises(Exception) as info:
        run(scene, content)
    assert info.value.code == "import_file_repeated"


def test_a_file_that_is_not_the_template_is_refused(scene):
    with pytest.raises(Exception) as info:
        run(scene, csv_file(["Ref", "Title"], ["A", "B"]))
    assert info.value.code == "import_columns"
    assert "'Body'" in info.value.message and "'ref'" in info.value.message


def test_only_the_alliance_secretary_imports(scene):
    representative = actor_for(scene.reps[0])
    before = rows(Decision, ImportRun)
    with pytest.raises(Exception) as info:
        run(scene, csv_file(HEADER, decision_row(1)), confirm=True, actor=representative)
    assert info.value.code == "not_permitted"
    assert rows(Decision, ImportRun) == before


def test_past_appointments_are_refused_with_a_way_forward(scene):
    with pytest.raises(ImportRefused) as info:
        run(scene, csv_file(HEADER, decision_row(1, Kind="Appointment")))
    assert "role history" in info.value.preview.refused[0].refusal


def test_the_service_directly_keeps_rule_4(scene):
    decision = decision_services.record_past_decision(
        actor=SYSTEM,
        body=scene.body,
        reference="ALT-2020-007",
        title="Old",
        proposal="Old",
        kind="KEY",
        status="AGREED",
        decided_on=date(2020, 11, 1),
    )
    with pytest.raises(Exception) as info:
        decision_services.update_decision(actor=SYSTEM, decision=decision, title="New", now=OPENED)
    assert info.value.code == "decision_sealed"
