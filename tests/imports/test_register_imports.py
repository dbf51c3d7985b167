"""Importing the member list, the role history and the interests register: each row through its service."""

from datetime import date

import pytest

from alliance.import_models import ImportRun
from alliance.models import Membership, Organisation
from decisions.imports import ImportRefused, run_import, template_csv, template_xlsx
from decisions.imports.kinds import KINDS
from roles.models import InterestDeclaration, Person, Role, RoleAssignment
from roles.services import end_assignment
from roles.standing import SYSTEM
from tests.helpers import rows
from tests.imports.files import csv_file, xlsx_file


def run(scene, kind, content, *, confirm=False, name="file.csv"):
    return run_import(
        actor=SYSTEM, alliance=scene.alliance, kind=kind, file_name=name, content=content, confirm=confirm
    )


# The member list -------------------------------------------------------------------------------------------

MEMBER_HEADER = ["Organisation", "Kind of organisation", "Status", "Joined on", "Left on", "Signatory", "Capacities"]
MEMBERS_WATCHED = (Organisation, Membership, ImportRun)


def test_member_list_creates_organisations_and_memberships(scene):
    content = csv_file(
        MEMBER_HEADER,
        ["Riverside Recovery", "Provider", "Voting", "2021-04-01", "", "Yes", "Provider, Funder"],
        ["Lived Voices Panel", "Lived-experience group", "Advisory", "01/05/2021", "31/03/2023", "No", ""],
    )
    preview = run(scene, "members", content, confirm=True)
    riverside = Membership.objects.get(organisation__name="Riverside Recovery")
    assert preview.rows[0].created == ["Organisation: Riverside Recovery", f"Membership: {riverside}"]
    assert (riverside.status, riverside.is_signatory, riverside.capacities) == ("VOTING", True, ["provider", "funder"])
    panel = Membership.objects.get(organisation__name="Lived Voices Panel")
    assert (panel.status, panel.left_on) == ("ADVISORY", date(2023, 3, 31))
    assert panel.status_changes.count() == 1  # through create_membership: the dated status history too


def test_member_list_reuses_an_existing_organisation_and_refuses_an_overlap(scene):
    existing = scene.members[0].organisation.name
    content = csv_file(MEMBER_HEADER, [existing, "", "Voting", "2021-06-01", "", "No", ""])
    before = rows(*MEMBERS_WATCHED)
    with pytest.raises(ImportRefused) as info:
        run(scene, "members", content)
    assert rows(*MEMBERS_WATCHED) == before
    assert info.value.preview.refused[0].column == "Joined on"


def test_member_list_one_bad_row_writes_nothing(scene):
    content = csv_file(
        MEMBER_HEADER,
        ["Riverside Recovery", "Provider", "Voting", "2021-04-01", "", "Yes", ""],
        ["New Place", "", "Voting", "2021-04-01", "", "", ""],
    )
    before = rows(*MEMBERS_WATCHED)
    with pytest.raises(ImportRefused) as info:
        run(scene, "members", content, confirm=True)
    assert rows(*MEMBERS_WATCHED) == before
    assert [(r["row"], r["column"]) for r in info.value.as_dict()["rows"]] == [(3, "Kind of organisation")]


# The role history -----------------------------------------------------------------------------------------

ROLE_HEADER = ["Role", "Kind of role", "Body", "Person", "Email", "Starts on", "Ends on", "End reason"]
ROLES_WATCHED = (Role, Person, RoleAssignment, ImportRun)


def test_role_history_creates_roles_people_and_assignments(scene):
    content = xlsx_file(
        ROLE_HEADER,
        [
            "Chair of the ALT",
            "Chair",
            "ALT",
            "Ann Former",
            "ann@example.org",
            date(2019, 4, 1),
            date(2021, 3, 31),
            "Term ended",
        ],
        ["Chair of the ALT", "", "", "Ben Current", "", date(2021, 4, 1), None, ""],
    )
    preview = run(scene, "roles", content, confirm=True, name="roles.xlsx")
    chair = Role.objects.get(alliance=scene.alliance, title="Chair of the ALT")
    assert (chair.kind, chair.body, chair.single_holder) == ("chair", scene.body, True)
    holders = list(chair.assignments.order_by("starts_on").values_list("person__name", "ends_on", "end_reason"))
    assert holders == [("Ann Former", date(2021, 3, 31), "term_ended"), ("Ben Current", None, "")]
    assert preview.run.records_created == 5  # the role, two people, two assignments


def test_role_history_keeps_the_single_holder_rule(scene):
    content = csv_file(
        ROLE_HEADER,
        ["Chair of the ALT", "Chair", "ALT", "Ann Former", "", "2019-04-01", "", ""],
        ["Chair of the ALT", "", "", "Ben Current", "", "2021-04-01", "", ""],
    )
    before = rows(*ROLES_WATCHED)
    with pytest.raises(ImportRefused) as info:
        run(scene, "roles", content, confirm=True)
    assert rows(*ROLES_WATCHED) == before
    refusal = info.value.preview.refused[0]
    assert (refusal.number, refusal.column) == (3, "Starts on")
    assert "one holder at a time" in refusal.refusal


def test_role_history_needs_the_kind_of_a_new_role(scene):
    with pytest.raises(ImportRefused) as info:
        run(scene, "roles", csv_file(ROLE_HEADER, ["Treasurer", "", "", "Ann Former", "", "2021-04-01", "", ""]))
    assert info.value.preview.refused[0].column == "Kind of role"


def test_role_history_finds_an_existing_role_and_person(scene):
    rep = scene.reps[0]
    role = Role.objects.get(alliance=scene.alliance, organisation=scene.members[0].organisation)
    end_assignment(assignment=role.assignments.get(), ends_on=date(2021, 12, 31), end_reason="term_ended")
    content = csv_file(ROLE_HEADER, [role.title, "", "", rep.name, "", "2022-01-01", "", ""])
    run(scene, "roles", content, confirm=True)
    assert role.assignments.filter(person=rep, starts_on=date(2022, 1, 1)).exists()
    assert Person.objects.filter(name=rep.name).count() == 1


# The interests register -------------------------------------------------------------------------------------

INTEREST_HEADER = ["Person", "Email", "Represents", "Interest", "Concerns", "Declared on", "Ends on"]
INTERESTS_WATCHED = (InterestDeclaration, Person, ImportRun)


def test_interests_register_is_imported(scene):
    rep, org = scene.reps[1], scene.members[1].organisation.name
    content = csv_file(
        INTEREST_HEADER,
        [rep.name, "", org, "Trustee of a housing charity", scene.members[0].organisation.name, "2021-01-10", ""],
    )
    run(scene, "interests", content, confirm=True)
    declaration = InterestDeclaration.objects.get(alliance=scene.alliance, interest="Trustee of a housing charity")
    assert (declaration.person, declaration.represents.name) == (rep, org)
    assert declaration.concerns_organisation == scene.members[0].organisation


def test_interests_register_one_bad_row_writes_nothing(scene):
    content = csv_file(
        INTEREST_HEADER,
        [scene.reps[0].name, "", "", "Board member elsewhere", "", "2021-01-10", ""],
        [scene.reps[1].name, "", "", "Owns a property let to the alliance", "", "2021-03-01", "2021-02-01"],
        [scene.reps[2].name, "", "Nobody Known", "Volunteer", "", "2021-03-01", ""],
    )
    before = rows(*INTERESTS_WATCHED)
    with pytest.raises(ImportRefused) as info:
        run(scene, "interests", content, confirm=True)
    assert rows(*INTERESTS_WATCHED) == before
    assert [(r["row"], r["column"]) for r in info.value.as_dict()["rows"]] == [(3, "Ends on"), (4, "Represents")]


# Every template's example row imports, as CSV and as Excel ----------------------------------------------


@pytest.mark.parametrize("kind", ["decisions", "roles", "interests", "members"])
@pytest.mark.parametrize("excel", [False, True], ids=["csv", "xlsx"])
def test_each_template_dry_runs_its_example_and_writes_nothing(scene, kind, excel):
    from decisions.models import Decision

    spec = KINDS[kind]
    content = template_xlsx(spec) if excel else template_csv(spec).encode("utf-8")
    watched = (Decision, Organisation, Membership, Role, Person, RoleAssignment, InterestDeclaration, ImportRun)
    before = rows(*watched)
    preview = run(scene, kind, content, name="template.xlsx" if excel else "template.csv")
    assert [r.number for r in preview.rows] == [2] and not preview.refused
    assert preview.records >= 1
    assert rows(*watched) == before
