"""The four registers an alliance brings in from its earlier records, each row written by the register's
own service (so every rule applies as on the forms): the member list, the role history, the interests
register and the decision log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from alliance.choices import DecisionKind
from alliance.errors import RuleViolation
from alliance.import_models import ImportRun
from alliance.models import Alliance, GoverningBody, Membership, Organisation
from alliance.services import create_membership, save_organisation
from decisions.imports.columns import (
    Column,
    choice_cell,
    choices_cell,
    date_cell,
    money_cell,
    tags_cell,
    yes_no_cell,
)
from decisions.imports.reading import text
from decisions.models import Decision
from decisions.services.past import PAST_STATUSES, record_past_decision
from roles.access import Access
from roles.models import Person, Role, RoleAssignment
from roles.services import assign_role, declare_interest, people_of, save_person, save_role


@dataclass
class Context:
    actor: Access
    alliance: Alliance
    people: dict = field(default_factory=dict)  # people this file created, by name (casefolded)


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    intro: str
    columns: tuple[Column, ...]
    write: Callable[[Context, dict], list]
    # A refusal's field that is not a column's key, and the column it is about.
    fields: dict = field(default_factory=dict)

    def column_for(self, field_name: str | None) -> Column | None:
        key = self.fields.get(field_name, field_name)
        return next((c for c in self.columns if c.key == key), None)


# Finding what a row names --------------------------------------------------------------------------------


def organisation_named(name: str, column: str) -> Organisation | None:
    if not name:
        return None
    found = Organisation.objects.filter(name__iexact=name).first()
    found = found or Organisation.objects.filter(short_name__iexact=name).order_by("pk").first()
    if found is None:
        raise RuleViolation(
            "import_organisation_unknown",
            f"No organisation is named '{name}'; import the member list first, or write the name as it is there.",
            field=column,
        )
    return found


def body_coded(alliance: Alliance, code: str) -> GoverningBody:
    body = GoverningBody.objects.filter(alliance=alliance, code__iexact=code).first()
    if body is None:
        codes = ", ".join(GoverningBody.objects.filter(alliance=alliance).values_list("code", flat=True))
        raise RuleViolation(
            "import_body_unknown", f"{alliance} has no body with the code '{code}'; use one of {codes}.", field="body"
        )
    return body


def person_named(ctx: Context, name: str, email: str, employer: Organisation | None, created: list) -> Person:
    """The person a row names: by email where given, else by name among the alliance's people and those this
    file created; a new person otherwise (listed as created)."""
    if email:
        found = Person.objects.filter(email__iexact=email).order_by("pk").first()
        if found is not None:
            return found
    key = name.casefold()
    if key in ctx.people:
        return ctx.people[key]
    if not email:
        same = list(people_of([ctx.alliance.pk]).filter(name__iexact=name)[:2])
        if len(same) > 1:
            raise RuleViolation(
                "import_person_ambiguous",
                f"Two people of {ctx.alliance} are named {name}; give the person's email to say which.",
                field="email",
            )
        if same:
            return same[0]
    person = save_person(name=name, email=email, employer=employer)
    ctx.people[key] = person
    created.append(person)
    return person


# The member list ---------------------------------------------------------------------------------------


def write_member(ctx: Context, row: dict) -> list:
    created = []
    organisation = Organisation.objects.filter(name__iexact=row["organisation"]).first()
    if organisation is None:
        if not row["organisation_kind"]:
            raise RuleViolation(
                "import_organisation_kind_required",
                f"{row['organisation']} is new here: say what kind of organisation it is.",
                field="organisation_kind",
            )
        organisation = save_organisation(
            name=row["organisation"],
            short_name=row["short_name"],
            kind=row["organisation_kind"],
            registration_number=row["registration_number"],
            website=row["website"],
        )
        created.append(organisation)
    membership = create_membership(
        alliance=ctx.alliance,
        organisation=organisation,
        status=row["status"],
        joined_on=row["joined_on"],
        left_on=row["left_on"],
        is_signatory=row["is_signatory"],
        capacities=row["capacities"],
        reason="Imported from the member list",
    )
    return [*created, membership]


MEMBERS = Kind(
    key=ImportRun.Kind.MEMBERS,
    label="Member list",
    intro="One row per membership: the organisation (created if it is new here), its status and its dates.",
    columns=(
        Column("organisation", "Organisation", "The organisation's full name.", "Northside Housing Trust", True),
        Column("short_name", "Short name", "Optional: how it is called for short.", "Northside"),
        Column(
            "organisation_kind",
            "Kind of organisation",
            "Needed for an organisation new here: Provider, Commissioner, Network, Lived-experience group or "
            "External provider.",
            "Provider",
            read=choice_cell(Organisation.Kind),
        ),
        Column("registration_number", "Registration number", "Optional, e.g. a charity number.", "SC000001"),
        Column("website", "Website", "Optional, a full address.", "https://northside.example.org"),
        Column(
            "status",
            "Status",
            "Voting or Advisory.",
            "Voting",
            True,
            read=choice_cell(Membership.Status),
        ),
        Column(
            "joined_on",
            "Joined on",
            "The first day of membership (2021-04-01 or 01/04/2021).",
            "2021-04-01",
            True,
            date_cell,
        ),
        Column("left_on", "Left on", "Optional: the last day of membership.", "", read=date_cell),
        Column("is_signatory", "Signatory", "Yes if it signed the alliance agreement.", "Yes", read=yes_no_cell),
        Column(
            "capacities",
            "Capacities",
            "Optional, separated by commas: Provider, Commissioner, Funder, Contract manager, Lived experience, "
            "Network support, Partner.",
            "Provider",
            read=choices_cell(Membership.Capacity),
        ),
    ),
    write=write_member,
    fields={"name": "organisation", "kind": "organisation_kind", "joined_on": "joined_on"},
)


# The role history ---------------------------------------------------------------------------------------


def _role(ctx: Context, row: dict, created: list) -> Role:
    roles = Role.objects.filter(alliance=ctx.alliance, title__iexact=row["role"])
    organisation = organisation_named(row["role_organisation"], "role_organisation")
    if organisation is not None:
        roles = roles.filter(organisation=organisation)
    found = list(roles[:2])
    if len(found) > 1:
        raise RuleViolation(
            "import_role_ambiguous",
            f"{ctx.alliance} has more than one role titled {row['role']}; name the organisation it represents.",
            field="role_organisation",
        )
    if found:
        return found[0]
    if not row["role_kind"]:
        raise RuleViolation(
            "import_role_unknown",
            f"{ctx.alliance} has no role titled {row['role']}; to create it, say what kind of role it is.",
            field="role_kind",
        )
    body = body_coded(ctx.alliance, row["body"]) if row["body"] else None
    role = save_role(
        alliance=ctx.alliance,
        title=row["role"],
        kind=row["role_kind"],
        body=body,
        organisation=organisation,
        single_holder=row["single_holder"] != "no",
    )
    created.append(role)
    return role


def write_assignment(ctx: Context, row: dict) -> list:
    created: list = []
    role = _role(ctx, row, created)
    employer = organisation_named(row["employer"], "employer")
    person = person_named(ctx, row["person"], row["email"], employer, created)
    assignment = assign_role(
        role=role,
        person=person,
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        end_reason=row["end_reason"],
        notes=row["notes"],
    )
    return [*created, assignment]


def _single_holder(cell) -> str:
    return "no" if yes_no_cell(cell) is False and text(cell) else "yes"


ROLES = Kind(
    key=ImportRun.Kind.ROLES,
    label="Role history",
    intro=(
        "One row per time a person held a role, past or present. A role not yet here is created from the row "
        "(give its kind); a person is found by email, or by name among the alliance's people, or created."
    ),
    columns=(
        Column("role", "Role", "The role's title as the alliance calls it.", "Chair of the leadership team", True),
        Column(
            "role_organisation",
            "Organisation represented",
            "For a member's representative or deputy: the member organisation.",
            "",
        ),
        Column(
            "role_kind",
            "Kind of role",
            "Needed for a role new here: Chair, Director, Secretary, Member representative, Deputy "
            "representative, Advisor, Oversight group member or Other.",
            "Chair",
            read=choice_cell(Role.Kind),
        ),
        Column("body", "Body", "Optional, for a new role: the code of the body it belongs to (e.g. ALT).", "ALT"),
        Column(
            "single_holder",
            "Single holder",
            "For a new role: No if several people hold it at once.",
            "Yes",
            read=_single_holder,
        ),
        Column("person", "Person", "The person's full name.", "Alex Morgan", True),
        Column("email", "Email", "Optional: tells two people of the same name apart.", "alex.morgan@example.org"),
        Column("employer", "Employer", "Optional, for a person new here: the organisation they work for.", ""),
        Column("starts_on", "Starts on", "The first day the role was held.", "2021-04-01", True, date_cell),
        Column(
            "ends_on", "Ends on", "The last day the role was held; empty if still held.", "2023-03-31", read=date_cell
        ),
        Column(
            "end_reason",
            "End reason",
            "Needed with an end: Resigned, Term ended, Replaced, Organisation left the alliance, Removed or Other.",
            "Term ended",
            read=choice_cell(RoleAssignment.EndReason),
        ),
        Column("notes", "Notes", "Optional.", "Elected at the AGM of March 2021"),
    ),
    write=write_assignment,
    fields={
        "title": "role",
        "kind": "role_kind",
        "organisation": "role_organisation",
        "name": "person",
        "user": "person",
    },
)


# The interests register ---------------------------------------------------------------------------------


def write_interest(ctx: Context, row: dict) -> list:
    created: list = []
    represents = organisation_named(row["represents"], "represents")
    person = person_named(ctx, row["person"], row["email"], represents, created)
    declaration = declare_interest(
        actor=ctx.actor,
        alliance=ctx.alliance,
        person=person,
        interest=row["interest"],
        declared_on=row["declared_on"],
        represents=represents,
        concerns_organisation=organisation_named(row["concerns_organisation"], "concerns_organisation"),
        ends_on=row["ends_on"],
    )
    return [*created, declaration]


INTERESTS = Kind(
    key=ImportRun.Kind.INTERESTS,
    label="Interests register",
    intro="One row per interest declared: who declared it, what it is, and when it applied.",
    columns=(
        Column("person", "Person", "The full name of who declared it.", "Alex Morgan", True),
        Column("email", "Email", "Optional: tells two people of the same name apart.", "alex.morgan@example.org"),
        Column("represents", "Represents", "Optional: the organisation they represent in the alliance.", ""),
        Column("interest", "Interest", "The interest, in the declarer's words.", "Trustee of a housing charity", True),
        Column("concerns_organisation", "Concerns", "Optional: the organisation the interest concerns.", ""),
        Column("declared_on", "Declared on", "The day it was declared.", "2022-05-12", True, date_cell),
        Column("ends_on", "Ends on", "Optional: the last day it applied.", "", read=date_cell),
    ),
    write=write_interest,
    fields={"name": "person"},
)


# The decision log ---------------------------------------------------------------------------------------


def write_decision(ctx: Context, row: dict) -> list:
    decision = record_past_decision(
        actor=ctx.actor,
        body=body_coded(ctx.alliance, row["body"]),
        reference=row["reference"],
        title=row["title"],
        proposal=row["proposal"],
        kind=row["kind"],
        status=row["status"],
        decided_on=row["decided_on"],
        rationale=row["rationale"],
        alternatives_considered=row["alternatives_considered"],
        visibility=row["visibility"],
        tags=row["tags"],
        value=row["value"],
        review_on=row["review_on"],
    )
    return [decision]


DECISIONS = Kind(
    key=ImportRun.Kind.DECISIONS,
    label="Decision log",
    intro=(
        "One row per decision already taken, with its original reference and date; it is recorded closed, as it "
        "was. The log's next references continue after the highest imported in each body and year."
    ),
    columns=(
        Column("reference", "Reference", "As it was issued: body code, year and number.", "ALT-2021-001", True),
        Column("body", "Body", "The code of the body that took it.", "ALT", True),
        Column("title", "Title", "The decision's title.", "Adopt the alliance's terms of reference", True),
        Column("proposal", "Proposal", "What was put to members.", "That the ALT adopts its terms of reference.", True),
        Column(
            "kind",
            "Kind",
            "Key decision, Operational, Award of a service, Policy or Procedural.",
            "Key decision",
            True,
            choice_cell(DecisionKind),
        ),
        Column(
            "status",
            "Outcome",
            "Agreed, Not agreed or Withdrawn.",
            "Agreed",
            True,
            choice_cell(Decision.Status, only=PAST_STATUSES),
        ),
        Column("decided_on", "Decided on", "The day it was decided.", "2021-04-20", True, date_cell),
        Column("rationale", "Reasons", "Optional: the reasons for the decision.", "The agreement requires them."),
        Column(
            "alternatives_considered",
            "Alternatives considered",
            "Optional: options considered and why they were rejected.",
            "",
        ),
        Column(
            "visibility",
            "Visibility",
            "Public, Members (the default) or Confidential.",
            "Public",
            read=choice_cell(Decision.Visibility, default=Decision.Visibility.MEMBERS),
        ),
        Column(
            "tags",
            "Tags",
            "Optional topic tags, separated by commas.",
            "governance, terms of reference",
            read=tags_cell,
        ),
        Column("value", "Value", "Optional: the value of the matter in pounds.", "", read=money_cell),
        Column(
            "review_on",
            "Review on",
            "Optional: when the alliance means to look at it again.",
            "2024-04-01",
            read=date_cell,
        ),
    ),
    write=write_decision,
)


KINDS = {kind.key: kind for kind in (DECISIONS, ROLES, INTERESTS, MEMBERS)}


def kind_named(key: str) -> Kind:
    try:
        return KINDS[key]
    except KeyError:
        raise RuleViolation(
            "import_kind_unknown",
            f"'{key}' is not something this product imports; choose one of {', '.join(KINDS)}.",
            field="kind",
        ) from None
