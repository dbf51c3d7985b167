"""The OCDS output validates against the OCDS 1.1 release package schema."""

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from django.conf import settings

from contracts import ocds, services
from contracts.models import AwardProcess
from roles.standing import SYSTEM
from tests.scenes import make_award_scene

pytestmark = pytest.mark.django_db

OCDS_DIR = Path(settings.BASE_DIR).parent / "shared" / "ocds"
needs_schema = pytest.mark.skipif(
    not (OCDS_DIR / "release-package-schema.json").exists(),
    reason=f"the OCDS 1.1 schemas are not at {OCDS_DIR} (CI has them at ../shared/ocds beside the repository)",
)


def _format_checker():
    from jsonschema import Draft4Validator

    checker = Draft4Validator.FORMAT_CHECKER
    # jsonschema checks date-time only with an optional package; OCDS dates must carry their offset.

    @checker.checks("date-time", raises=ValueError)
    def date_time(value) -> bool:
        return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None

    return checker


def validate(data: dict) -> None:
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    package_schema = json.loads((OCDS_DIR / "release-package-schema.json").read_text())
    release_schema = json.loads((OCDS_DIR / "release-schema.json").read_text())
    registry = Registry().with_resources(
        [(s["id"], Resource.from_contents(s, default_specification=DRAFT4)) for s in (package_schema, release_schema)]
    )
    validator = Draft4Validator(package_schema, registry=registry, format_checker=_format_checker())
    errors = sorted(validator.iter_errors(data), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def codes(name: str) -> set[str]:
    lines = (OCDS_DIR / "codelists" / f"{name}.csv").read_text().splitlines()[1:]
    return {line.split(",", 1)[0] for line in lines}


def contracted(s) -> AwardProcess:
    process, _ = s.recommended()
    s.approve(process)
    services.transition(actor=SYSTEM, process=process, to_stage="APPROVED")
    return services.transition(
        actor=SYSTEM, process=process, to_stage="CONTRACTED", starts_on=date(2021, 7, 1), ends_on=date(2024, 6, 30)
    )


def package_of(*processes):
    qs = ocds.processes_for_ocds(AwardProcess.objects.filter(pk__in=[p.pk for p in processes]))
    return ocds.package(qs, uri="https://example.org/api/v1/awards/ocds/", publisher="Dunmarrow")


def test_procurement_method_follows_the_route():
    s = make_award_scene()
    mini = s.process()
    direct = s.process(route="DIRECT_AWARD")
    external = s.process(route="EXTERNAL_PROCUREMENT", external_notice_reference="PCS-1")
    methods = {
        r["tender"]["id"]: r["tender"]["procurementMethod"] for r in package_of(mini, direct, external)["releases"]
    }
    assert methods == {mini.reference: "limited", direct.reference: "direct", external.reference: "open"}
    details = package_of(direct)["releases"][0]["tender"]["procurementMethodDetails"]
    assert details == "Direct award to a member"


def test_contracted_award_has_tender_award_and_contract_in_gbp():
    s = make_award_scene()
    process = contracted(s)
    release = package_of(process)["releases"][0]
    assert release["ocid"] == f"ocds-alliance-{s.alliance.slug}-{process.reference}"
    assert release["tag"] == ["tender", "award", "contract"]
    assert release["awards"][0]["status"] == "active"
    assert release["awards"][0]["value"] == {"amount": 1100000.0, "currency": "GBP"}
    assert release["awards"][0]["suppliers"][0]["name"] == "Harbour Light Housing"
    assert release["contracts"][0]["period"]["endDate"].startswith("2024-06-30")
    assert release["tender"]["numberOfTenderers"] == 2


def test_ocid_prefix_comes_from_settings(settings):
    settings.OCDS_OCID_PREFIX = "ocds-x1y2z3-"
    s = make_award_scene()
    assert package_of(s.process())["releases"][0]["ocid"].startswith("ocds-x1y2z3-")


def every_stage(s) -> list[AwardProcess]:
    """One process at each of the eight stages."""
    cancelled = services.cancel_process(process=s.process(), reason="Not needed")
    external = s.process(route="EXTERNAL_PROCUREMENT", external_notice_reference="PCS-1", description="Care homes")
    submissions = s.process()
    s.bids(submissions)
    evaluation = s.process()
    s.bids(evaluation)
    services.start_evaluation(process=evaluation)
    recommended, _ = s.recommended()
    approved, _ = s.recommended()
    s.approve(approved)
    services.transition(actor=SYSTEM, process=approved, to_stage="APPROVED")
    rejected, _ = s.recommended()
    s.approve(rejected, position="OBJECT")
    services.transition(actor=SYSTEM, process=rejected, to_stage="REJECTED")
    processes = [external, submissions, evaluation, recommended, approved, rejected, contracted(s), cancelled]
    assert {p.stage for p in AwardProcess.objects.filter(pk__in=[p.pk for p in processes])} == set(
        AwardProcess.Stage.values
    )
    return processes


@needs_schema
def test_release_package_of_every_stage_validates_against_ocds_1_1():
    s = make_award_scene()
    validate(package_of(*every_stage(s)))


@needs_schema
def test_api_release_and_package_validate_against_ocds_1_1(staff_api):
    s = make_award_scene()
    processes = every_stage(s)
    AwardProcess.objects.filter(pk__in=[p.pk for p in processes]).update(visibility="PUBLIC")
    response = staff_api.get("/api/v1/awards/ocds/", {"alliance": s.alliance.slug})
    assert response.status_code == 200, response.content
    assert len(response.json()["releases"]) == len(processes)
    validate(response.json())
    validate(staff_api.get(f"/api/v1/awards/{processes[-2].pk}/ocds/").json())


def test_award_and_contract_values_are_both_totals():
    s = make_award_scene()
    release = package_of(contracted(s))["releases"][0]
    # The scene's contract runs three years at the process's estimated £400,000 a year.
    assert release["contracts"][0]["value"] == {"amount": 1200000.0, "currency": "GBP"}
    assert release["awards"][0]["value"]["amount"] == 1100000.0
    assert "£400,000.00 a year" in release["contracts"][0]["description"]


@needs_schema
def test_codes_come_from_the_ocds_codelists():
    s = make_award_scene()
    data = package_of(contracted(s), services.cancel_process(process=s.process(), reason="Not needed"))
    for release in data["releases"]:
        assert release["tender"]["procurementMethod"] in codes("method")
        assert release["tender"]["status"] in codes("tenderStatus")
        assert set(release["tag"]) <= codes("releaseTag")
        for party in release["parties"]:
            assert set(party["roles"]) <= codes("partyRole")
        for award in release.get("awards", []):
            assert award["status"] in codes("awardStatus")
        for contract in release.get("contracts", []):
            assert contract["status"] in codes("contractStatus")
