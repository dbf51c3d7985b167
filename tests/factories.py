"""factory-boy factories for every model. Rows made here skip the services on purpose:
tests of a rule call the service; factories only set the scene."""

from datetime import UTC, date, datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from alliance.choices import DecisionKind
from alliance.models import (
    Agreement,
    AgreementBudget,
    Alliance,
    GoverningBody,
    Membership,
    MembershipStatusChange,
    Organisation,
)
from decisions.models import ActionItem, Attendance, Decision, Meeting
from roles.models import DelegatedAuthority, InterestDeclaration, Person, Role, RoleAssignment


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Provider {n} Trust")
    short_name = factory.Sequence(lambda n: f"P{n}")
    kind = Organisation.Kind.PROVIDER


class AllianceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Alliance

    name = factory.Sequence(lambda n: f"Alliance {n}")
    slug = factory.Sequence(lambda n: f"alliance-{n}")
    purpose = "Services for people experiencing homelessness."
    commissioner = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.COMMISSIONER)


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    alliance = factory.SubFactory(AllianceFactory)
    version = 1
    title = "Alliance agreement"
    signed_on = date(2020, 7, 1)
    starts_on = date(2020, 7, 1)
    ends_on = date(2027, 6, 30)
    extension_until = date(2030, 6, 30)
    principles = ["Best for people using services", "No fault, no blame", "Open book"]


class AgreementBudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementBudget

    agreement = factory.SubFactory(AgreementFactory)
    financial_year = 2021
    amount = Decimal("24600000.00")


class MembershipFactory(factory.django.DjangoModelFactory):
    """A membership with its initial dated status change, as the service would leave it."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    alliance = factory.SubFactory(AllianceFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = Membership.Status.VOTING
    is_signatory = True
    capacities = factory.LazyFunction(lambda: ["provider"])
    joined_on = date(2020, 7, 1)
    left_on = None

    @factory.post_generation
    def initial_status(obj, create, extracted, **kwargs):
        if create:
            MembershipStatusChange.objects.create(membership=obj, status=obj.status, effective_on=obj.joined_on)


class MembershipStatusChangeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MembershipStatusChange

    membership = factory.SubFactory(MembershipFactory)
    status = Membership.Status.ADVISORY
    effective_on = date(2022, 1, 1)
    reason = "Changed by the leadership team"


class GoverningBodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoverningBody

    alliance = factory.SubFactory(AllianceFactory)
    name = "Alliance Leadership Team"
    code = factory.Sequence(lambda n: f"B{n}")
    kind = GoverningBody.Kind.LEADERSHIP
    decision_rule = GoverningBody.DecisionRule.UNANIMOUS
    quorum_fraction = Decimal("0.5")
    quorum_count = None
    abstention_blocks = True


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")
    employer = None


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    alliance = factory.SubFactory(AllianceFactory)
    title = factory.Sequence(lambda n: f"Role {n}")
    kind = Role.Kind.DIRECTOR
    single_holder = True
    description = "Leads the alliance's work day to day."


class RepresentativeRoleFactory(RoleFactory):
    """A member representative post; the organisation is a member of the role's alliance."""

    kind = Role.Kind.MEMBER_REPRESENTATIVE
    organisation = factory.LazyAttribute(lambda o: MembershipFactory(alliance=o.alliance).organisation)


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    role = factory.SubFactory(RoleFactory)
    person = factory.SubFactory(PersonFactory)
    starts_on = date(2021, 1, 1)
    ends_on = None
    end_reason = ""


class DelegatedAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DelegatedAuthority

    role = factory.SubFactory(RoleFactory)
    body = factory.SubFactory(GoverningBodyFactory, alliance=factory.SelfAttribute("..role.alliance"))
    scope = "Operational decisions within the agreed budget."
    decision_kinds = factory.LazyFunction(lambda: [DecisionKind.OPERATIONAL])
    financial_limit = Decimal("50000.00")
    valid_from = date(2021, 1, 1)
    valid_to = None
    revoked_on = None


class InterestDeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InterestDeclaration

    alliance = factory.SubFactory(AllianceFactory)
    person = factory.SubFactory(PersonFactory)
    represents = None
    interest = "Trustee of a charity that may bid for supported accommodation."
    concerns_organisation = factory.SubFactory(OrganisationFactory)
    declared_on = date(2021, 1, 1)
    ends_on = None


# decisions ---------------------------------------------------------------------------------


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    body = factory.SubFactory(GoverningBodyFactory)
    title = "Leadership team meeting"
    starts_at = factory.LazyFunction(lambda: datetime(2021, 3, 4, 10, 0, tzinfo=UTC))
    location = "Harbour Light offices, Dunmarrow"
    status = Meeting.Status.SCHEDULED


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(PersonFactory)
    capacity = Attendance.Capacity.OBSERVER
    present = True


class DecisionFactory(factory.django.DjangoModelFactory):
    """A decision as the services would leave it in ``status``; AGREED ones carry a reference and date."""

    class Meta:
        model = Decision

    body = factory.SubFactory(GoverningBodyFactory)
    alliance = factory.SelfAttribute("body.alliance")
    title = factory.Sequence(lambda n: f"Decision {n}")
    proposal = "That the alliance adopts the proposal."
    kind = DecisionKind.KEY
    status = Decision.Status.DRAFT


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    decision = factory.SubFactory(DecisionFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    owner_person = factory.SubFactory(PersonFactory)
    due_on = date(2021, 6, 30)
    status = ActionItem.Status.OPEN


# contracts ---------------------------------------------------------------------------------


class AwardPolicyFactory(factory.django.DjangoModelFactory):
    """A policy version adopted by an AGREED POLICY decision; add its RouteRules with RouteRuleFactory."""

    class Meta:
        model = "contracts.AwardPolicy"

    alliance = factory.SubFactory(AllianceFactory)
    version = factory.Sequence(lambda n: n + 1)
    title = "Schedule part 10: award routes"
    approving_body = factory.SubFactory(GoverningBodyFactory, alliance=factory.SelfAttribute("..alliance"))
    adopted_by = factory.SubFactory(
        DecisionFactory,
        body=factory.SelfAttribute("..approving_body"),
        kind=DecisionKind.POLICY,
        status=Decision.Status.AGREED,
        reference=factory.Sequence(lambda n: f"POL-2020-{n:03d}"),
        decided_on=date(2020, 9, 1),
    )
    in_force_from = date(2020, 9, 1)


class RouteRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contracts.RouteRule"

    policy = factory.SubFactory(AwardPolicyFactory)
    route = "MINI_COMPETITION"
    allowed = True
    min_value = None
    max_value = Decimal("2000000.00")
    min_submissions = 2
    scored_evaluation_required = True
    justification_must_cover = factory.LazyFunction(lambda: ["value for money"])
    criteria = factory.LazyFunction(lambda: [{"name": "Quality", "weight": 60}, {"name": "Price", "weight": 40}])


class AwardProcessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contracts.AwardProcess"

    policy = factory.SubFactory(AwardPolicyFactory)
    alliance = factory.SelfAttribute("policy.alliance")
    reference = factory.Sequence(lambda n: f"AW-2021-{n + 1:03d}")
    title = factory.Sequence(lambda n: f"Award {n}")
    service_category = "flexible_community_outreach"
    estimated_annual_value = Decimal("400000.00")
    estimated_total_value = Decimal("1200000.00")
    route = "MINI_COMPETITION"
    route_justification = factory.LazyFunction(lambda: {"value for money": "Tested by competition."})
    started_on = date(2021, 4, 1)
    stage = "DRAFT"
    visibility = Decision.Visibility.PUBLIC


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contracts.Submission"

    process = factory.SubFactory(AwardProcessFactory)
    bidder = factory.SubFactory(OrganisationFactory)
    submitted_on = date(2021, 5, 1)
    price = Decimal("1100000.00")
    summary = "A single outreach team across the city."


class EvaluationScoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contracts.EvaluationScore"

    submission = factory.SubFactory(SubmissionFactory)
    criterion = "Quality"
    evaluator = factory.SubFactory(PersonFactory)
    score = 7
    scored_on = date(2021, 6, 1)


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contracts.Contract"

    alliance = factory.SubFactory(AllianceFactory)
    title = factory.Sequence(lambda n: f"Contract {n}")
    service_category = "supported_accommodation"
    provider = factory.SubFactory(OrganisationFactory)
    annual_value = Decimal("1000000.00")
    starts_on = date(2021, 4, 1)
    ends_on = date(2024, 3, 31)
    extension_until = date(2026, 3, 31)
    in_scope = True
    status = "ACTIVE"


# --- papers ---


#: The smallest file every reader opens as a PDF: one empty page (tests and the demo file it).
def pdf_bytes(*lines: str) -> bytes:
    from alliance.demo_papers import minimal_pdf

    return minimal_pdf(*(lines or ("A paper",)))


def upload(name: str = "paper.pdf", content: bytes | None = None, content_type: str = "application/pdf"):
    """A file as a browser sends it (Django's SimpleUploadedFile)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, content_type=content_type)


class DocumentFactory(factory.django.DjangoModelFactory):
    """A paper filed with a decision, without a file (the services file real ones: alliance.documents)."""

    class Meta:
        model = "alliance.Document"

    owner = factory.SubFactory(DecisionFactory)
    alliance = factory.SelfAttribute("owner.alliance")
    title = factory.Sequence(lambda n: f"Paper {n}")
    kind = "paper"
    created_at = factory.LazyFunction(lambda: datetime(2021, 3, 1, 9, 0, tzinfo=UTC))


# --- agenda ---


class AgendaItemFactory(factory.django.DjangoModelFactory):
    """An item listed on a meeting's agenda; give ``position`` (1..n without gaps) when adding several."""

    class Meta:
        model = "decisions.AgendaItem"

    meeting = factory.SubFactory(MeetingFactory)
    position = 1
    title = factory.Sequence(lambda n: f"Agenda item {n}")
    purpose = "discussion"
    duration_minutes = 15


# --- minutes ---


class MinutesItemFactory(factory.django.DjangoModelFactory):
    """An agenda item of a meeting, listed, as the minutes take it."""

    class Meta:
        model = "decisions.AgendaItem"

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Item {n}")
    purpose = "discussion"


class MeetingActionItemFactory(ActionItemFactory):
    """An action agreed at a held meeting, under none of its items."""

    decision = None
    meeting = factory.SubFactory(MeetingFactory, status=Meeting.Status.HELD)


# --- boardpack ---
# Named apart from the agenda's and the papers' own factories (AgendaItemFactory, DocumentFactory), which
# their branches add: these file real bytes through Django's storage, as the board pack reads them.

import hashlib  # noqa: E402
from datetime import timedelta  # noqa: E402

from django.core.files.base import ContentFile  # noqa: E402


def pdf_pages(*texts: str) -> bytes:
    """A real PDF with one page per text, each page carrying its text (WeasyPrint), for reading back."""
    from weasyprint import HTML

    body = "".join(f'<p style="break-before: page">{text}</p>' for text in texts)
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def pdf_landscape(text: str) -> bytes:
    """A one-page A4 landscape PDF carrying ``text``."""
    from weasyprint import HTML

    return HTML(string=f"<html><style>@page {{ size: A4 landscape }}</style><body>{text}</body></html>").write_pdf()


class BoardPackItemFactory(factory.django.DjangoModelFactory):
    """An agenda item; give ``position`` (1..n) when a meeting has several."""

    class Meta:
        model = "decisions.AgendaItem"

    meeting = factory.SubFactory(MeetingFactory)
    position = 1
    title = factory.Sequence(lambda n: f"Item {n}")
    purpose = "discussion"
    duration_minutes = 15


class AgendaPaperFactory(factory.django.DjangoModelFactory):
    """A paper filed with an agenda item (no file: add a :class:`PaperVersionFactory`)."""

    class Meta:
        model = "alliance.Document"

    owner = factory.SubFactory(BoardPackItemFactory)
    alliance = factory.LazyAttribute(lambda o: o.owner.meeting.body.alliance)
    title = factory.Sequence(lambda n: f"Paper {n}")
    kind = "paper"
    created_at = factory.Sequence(lambda n: datetime(2021, 3, 1, 9, 0, tzinfo=UTC) + timedelta(minutes=n))


class PaperVersionFactory(factory.django.DjangoModelFactory):
    """A version of a paper whose file (``content``) is written through Django's storage, with its size and SHA-256."""

    class Meta:
        model = "alliance.DocumentVersion"

    class Params:
        content = factory.LazyFunction(lambda: pdf_pages("A paper"))

    document = factory.SubFactory(AgendaPaperFactory)
    number = 1
    original_name = "paper.pdf"
    content_type = "application/pdf"
    file = factory.LazyAttribute(lambda o: ContentFile(o.content, name=o.original_name))
    size = factory.LazyAttribute(lambda o: len(o.content))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    uploaded_at = factory.LazyFunction(lambda: datetime(2021, 3, 1, 9, 30, tzinfo=UTC))


# --- govdocs ---


class GoverningDocumentFactory(factory.django.DjangoModelFactory):
    """A document of the governing documents register, being drafted unless told."""

    class Meta:
        model = "decisions.GoverningDocument"

    alliance = factory.SubFactory(AllianceFactory)
    title = factory.Sequence(lambda n: f"Operating manual section {n}")
    kind = "manual_section"
    version_label = "v0.1"
    status = "drafting"
    visibility = Decision.Visibility.MEMBERS
    created_at = factory.LazyFunction(lambda: datetime(2021, 1, 4, 9, 0, tzinfo=UTC))


# --- verifypage ---


class AuditVerificationFactory(factory.django.DjangoModelFactory):
    """A finished verification of an alliance's audit trail (alliance/audit/runs.py), intact by default."""

    class Meta:
        model = "alliance.AuditVerification"

    alliance = factory.SubFactory(AllianceFactory)
    status = "passed"
    scheduled = True
    requested_at = factory.LazyFunction(lambda: datetime(2026, 1, 5, 2, 0, tzinfo=UTC))
    started_at = factory.LazyAttribute(lambda o: o.requested_at)
    finished_at = factory.LazyAttribute(lambda o: o.requested_at)
    links_checked = 120


# --- delivery (issue 21's foundation) ---


class WorkstreamFactory(factory.django.DjangoModelFactory):
    """A workstream of the delivery plan, being delivered (adopted by an agreed decision) unless told."""

    class Meta:
        model = "contracts.Workstream"

    alliance = factory.SubFactory(AllianceFactory)
    title = factory.Sequence(lambda n: f"Redesign {n}")
    objective = "Redesign the service with the people who use it."
    alliance_objective = "Fewer people sleeping rough"
    success_definition = "A redesigned service commissioned before the contracts end."
    status = "active"
    adopted_by = factory.SubFactory(
        DecisionFactory,
        body__alliance=factory.SelfAttribute("...alliance"),
        status=Decision.Status.AGREED,
        decided_on=date(2021, 6, 1),
    )
    visibility = Decision.Visibility.MEMBERS
    created_at = factory.LazyFunction(lambda: datetime(2021, 6, 1, 12, 0, tzinfo=UTC))


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contracts.Milestone"

    workstream = factory.SubFactory(WorkstreamFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    order = factory.Sequence(lambda n: n)
    baseline_target_on = date(2022, 3, 31)
    target_on = factory.SelfAttribute("baseline_target_on")
    rag = "green"


class WorkstreamContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contracts.WorkstreamContract"

    workstream = factory.SubFactory(WorkstreamFactory)
    contract = factory.SubFactory(ContractFactory, alliance=factory.SelfAttribute("..workstream.alliance"))


class MeasureFactory(factory.django.DjangoModelFactory):
    """A quarterly numeric measure of a service category, higher is better, members' level."""

    class Meta:
        model = "contracts.Measure"

    alliance = factory.SubFactory(AllianceFactory)
    name = factory.Sequence(lambda n: f"People supported {n}")
    definition = "People who received support in the period."
    unit = "people"
    direction = "higher"
    target = Decimal("100.00")
    frequency = "quarterly"
    first_period_starts_on = date(2021, 4, 1)
    service_category = "street_outreach"
    visibility = Decision.Visibility.MEMBERS
    created_at = factory.LazyFunction(lambda: datetime(2021, 4, 1, 12, 0, tzinfo=UTC))


class MeasureReturnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contracts.MeasureReturn"

    measure = factory.SubFactory(MeasureFactory)
    period_start = date(2021, 4, 1)
    period_end = date(2021, 6, 30)
    due_on = date(2021, 7, 20)
    value = Decimal("90.00")
    submitted_on = date(2021, 7, 15)


class ServiceLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contracts.ServiceLine"

    alliance = factory.SubFactory(AllianceFactory)
    name = factory.Sequence(lambda n: f"Service line {n}")
    service_category = "supported_accommodation"
    in_scope = True
    annual_value = Decimal("1000000.00")
    created_at = factory.LazyFunction(lambda: datetime(2019, 4, 1, 12, 0, tzinfo=UTC))


class BudgetEnvelopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contracts.BudgetEnvelope"

    alliance = factory.SubFactory(AllianceFactory)
    baseline_year = 2019
    baseline_amount = Decimal("20000000.00")
    annual_reduction_percent = Decimal("5.00")
    reduction_from_year = 2
    years = 5
    set_by = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.COMMISSIONER)
    set_on = date(2019, 3, 1)


class SavingsRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "contracts.SavingsRecord"

    service_line = factory.SubFactory(ServiceLineFactory)
    alliance = factory.SelfAttribute("service_line.alliance")
    financial_year = 2020
    amount = Decimal("50000.00")
    recorded_at = factory.LazyFunction(lambda: datetime(2021, 4, 30, 12, 0, tzinfo=UTC))


class OversightQueryFactory(factory.django.DjangoModelFactory):
    """An open query of the alliance's oversight body to its leadership team."""

    class Meta:
        model = "contracts.OversightQuery"

    alliance = factory.SubFactory(AllianceFactory)
    reference = factory.Sequence(lambda n: f"OQ-2022-{n + 1:03d}")
    kind = "query"
    raised_by_body = factory.SubFactory(
        GoverningBodyFactory,
        alliance=factory.SelfAttribute("..alliance"),
        name="Oversight Group",
        code=factory.Sequence(lambda n: f"OG{n}"),
        kind="oversight",
    )
    to_body = factory.SubFactory(GoverningBodyFactory, alliance=factory.SelfAttribute("..alliance"))
    subject = factory.Sequence(lambda n: f"Query {n}")
    text = "What performance information supports the extension?"
    raised_on = date(2022, 5, 1)
    due_on = date(2022, 6, 1)
    status = "open"
    visibility = Decision.Visibility.MEMBERS
