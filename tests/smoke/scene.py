"""The smoke walk's scene: the demo, a second alliance whose records carry canary strings, and the standings.

The demo (``load_demo``) is the Dunmarrow alliance, which publishes its register. Beside it, the Kestrel
Vale alliance does not publish, shares a member organisation (Harbour Light Housing) and a person
(Morgan Shared, who holds a members-level post in Dunmarrow and represents Harbour Light, a voting
member, in Kestrel Vale). Every text field of a Kestrel Vale record, and of a few restricted records
added to Dunmarrow, starts with a canary: a token ``cnryNNNz`` that no other text contains. The
``canaries`` table says which standings may read each one; the walk fails where any other standing
finds it in a body or a header.

Everything is built through the services (factories only where no service exists), so every record
has its history rows and audit chain links, as in production.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from alliance import documents as papers
from alliance import forward_plan
from alliance import services as core
from alliance.demo_papers import minimal_pdf
from alliance.models import (
    Alliance,
    BodyRule,
    Document,
    DocumentVersion,
    ForwardPlanEntry,
    GoverningBody,
    Membership,
    Notification,
    NotificationKind,
    Organisation,
)
from contracts import services as awards
from contracts.demo import RULES_V2, Awards
from contracts.models import (
    AwardPolicy,
    AwardProcess,
    Contract,
    Measure,
    MeasureReturn,
    OversightNote,
    OversightQuery,
    Submission,
)
from contracts.scope_models import BudgetEnvelope, SavingsRecord, ServiceLine
from contracts.services import scope
from decisions import services as decisions
from decisions.governing_models import GoverningDocument
from decisions.models import ActionItem, AdvisoryInput, AgendaItem, Decision, Meeting, Recusal, Release, Vote
from roles import services as roles
from roles.access import access_for
from roles.models import DelegatedAuthority, InterestDeclaration, Person, Role, RoleAssignment, Seat
from roles.standing import SYSTEM
from tests.scenes import RULES

ANONYMOUS, VIEWER, MEMBER, ADVISORY, SECRETARY, OVERSIGHT, STAFF, BOTH = (
    "anonymous",
    "viewer",
    "member",
    "advisory",
    "secretary",
    "oversight",
    "staff",
    "both",
)
STANDINGS = [ANONYMOUS, VIEWER, MEMBER, ADVISORY, SECRETARY, OVERSIGHT, STAFF, BOTH]
WHO = {
    ANONYMOUS: "no login",
    VIEWER: "demo 'viewer': a viewer grant in Dunmarrow",
    MEMBER: "demo 'member': Tom Lennox, representative of Second Step (voting) in Dunmarrow",
    ADVISORY: "'advisory': representative of Voices of Experience (advisory) in Dunmarrow",
    SECRETARY: "demo 'secretary': secretary of Dunmarrow's ALT",
    OVERSIGHT: "demo 'oversight': Oversight Group member in Dunmarrow",
    STAFF: "demo 'admin': staff",
    BOTH: "'shared': Morgan Shared, a members-level post in Dunmarrow, voting representative in Kestrel Vale",
}

# Who may read what (README, "Who may see and do what").
DUN_MEMBERS = frozenset({VIEWER, MEMBER, ADVISORY, SECRETARY, OVERSIGHT, STAFF, BOTH})  # any standing in Dunmarrow
DUN_CONFIDENTIAL = frozenset({MEMBER, SECRETARY, OVERSIGHT, STAFF})  # voting reps, secretaries, oversight
DUN_OVERSIGHT = frozenset({OVERSIGHT, STAFF})  # oversight notes
DUN_PLAN_KEEPERS = frozenset({SECRETARY, OVERSIGHT, STAFF})  # an unpublished forward plan entry: its keepers, oversight
KESTREL = frozenset({BOTH, STAFF})  # the only standings with a standing in Kestrel Vale (both: confidential too)
STAFF_ONLY = frozenset({STAFF})

KESTREL_SLUG = "kestrel-vale"
START = date(2020, 7, 1)


def at(d: date, hour: int = 10) -> datetime:
    return datetime(d.year, d.month, d.day, hour, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Canary:
    token: str
    what: str
    readers: frozenset[str]


@dataclass
class SmokeScene:
    canaries: list[Canary] = field(default_factory=list)
    users: dict = field(default_factory=dict)  # standing -> User (None for anonymous)
    # Model -> [(alliance slug, pk)]: the records whose ids fill the routes' kwargs.
    ids: dict = field(default_factory=dict)
    canary_records: set = field(default_factory=set)  # (model, pk) of the records this scene made
    # (parent model, child model) -> [(alliance slug, parent pk, child pk)], for nested routes.
    pairs: dict = field(default_factory=dict)
    slugs: tuple[str, ...] = ("dunmarrow", KESTREL_SLUG)
    named: dict = field(default_factory=dict)  # a few records by name, for the probes (test_probes.py)

    def canary(self, what: str, readers: frozenset[str]) -> str:
        token = f"cnry{len(self.canaries) + 1:03d}z"
        self.canaries.append(Canary(token, what, readers))
        return token

    def text(self, what: str, readers: frozenset[str], words: str = "") -> str:
        """A canary at the start of a text (so that no truncation cuts it), then ordinary words."""
        return f"{self.canary(what, readers)} {words}".strip()

    def forbidden(self, standing: str) -> dict[str, Canary]:
        return {c.token: c for c in self.canaries if standing not in c.readers}

    def add(self, obj, slug: str, *, sample: bool = False) -> None:
        if not sample:
            self.canary_records.add((type(obj), obj.pk))
        self.ids.setdefault(type(obj), [])
        if (slug, obj.pk) not in self.ids[type(obj)]:
            self.ids[type(obj)].append((slug, obj.pk))

    def pair(self, parent, child, slug: str) -> None:
        self.pairs.setdefault((type(parent), type(child)), []).append((slug, parent.pk, child.pk))


def _paper(scene: SmokeScene, owner, slug: str, what: str, readers: frozenset[str], kind: str = "paper") -> Document:
    """A paper filed with ``owner`` whose title, description, note and file content carry canaries, with a
    second version, both walked by the download routes."""
    from django.core.files.base import ContentFile

    def file(n):
        return ContentFile(minimal_pdf(scene.text(f"{what} paper: content of version {n}", readers)), name="paper.pdf")

    document = papers.file_document(
        actor=SYSTEM, owner=owner, kind=kind, upload=file(1),
        title=scene.text(f"{what} paper: title", readers, "Options appraisal"),
        description=scene.text(f"{what} paper: description", readers), note=scene.text(f"{what} paper: note", readers),
    )  # fmt: skip
    papers.add_version(actor=SYSTEM, document=document, upload=file(2), note=scene.text(f"{what} paper: v2", readers))
    scene.add(document, slug)
    for version in document.versions.all():
        scene.pairs.setdefault((Document, DocumentVersion), []).append((slug, document.pk, version.number))
    return document


# Dunmarrow: the demo, plus restricted records of every kind -----------------------------------


def _demo_ctx() -> dict:
    alliance = Alliance.objects.get(slug="dunmarrow")
    members = Membership.objects.filter(alliance=alliance).select_related("organisation")
    orgs = [m.organisation for m in members]
    return {
        "alliance": alliance,
        "bodies": {b.code: b for b in alliance.bodies.all()},
        "people": {p.name: p for p in Person.objects.all()},
        "commissioner": alliance.commissioner,
        "providers": [o for o in orgs if o.kind == Organisation.Kind.PROVIDER],
        "network": next(o for o in orgs if o.kind == Organisation.Kind.NETWORK),
        "lived": next(o for o in orgs if o.kind == Organisation.Kind.LIVED_EXPERIENCE),
    }


def _dunmarrow(scene: SmokeScene, users: dict) -> dict:
    ctx = _demo_ctx()
    alliance, alt = ctx["alliance"], ctx["bodies"]["ALT"]
    people = ctx["people"]
    a = Awards(ctx)
    orgs = a.orgs
    closes = timezone.now() + timedelta(days=30)
    opened = timezone.now() - timedelta(days=2)
    voted = timezone.now() - timedelta(days=1)
    C, M, OG = DUN_CONFIDENTIAL, DUN_MEMBERS, DUN_OVERSIGHT

    # The advisory member's representative, and the shared person's members-level post.
    advisory_rep = roles.save_person(name="Avery Adair", email="avery.adair@example.org", user=users[ADVISORY])
    voices = roles.save_role(
        alliance=alliance, title="Representative: Voices", kind=Role.Kind.MEMBER_REPRESENTATIVE, body=alt,
        organisation=orgs["Voices"], description="Speaks for Voices of Experience Dunmarrow in the ALT.",
    )  # fmt: skip
    roles.assign_role(role=voices, person=advisory_rep, starts_on=date(2023, 1, 1))
    shared = roles.save_person(
        name="Morgan Shared", email="morgan.shared@example.org", employer=orgs["Harbour Light"], user=users[BOTH]
    )
    liaison = roles.save_role(
        alliance=alliance, title="Harbour Light liaison", kind=Role.Kind.OTHER, body=ctx["bodies"]["AMT"],
        single_holder=False, description="Keeps Harbour Light's services in touch with the AMT.",
    )  # fmt: skip
    roles.assign_role(role=liaison, person=shared, starts_on=date(2023, 1, 1))

    def draft(visibility, what, readers, **fields):
        return decisions.draft_decision(actor=SYSTEM,
            body=alt, kind=fields.pop("kind", "KEY"), visibility=visibility, closes_at=fields.pop("closes_at", closes),
            title=scene.text(f"Dunmarrow {what} decision: title", readers, "Winter plan"),
            proposal=scene.text(f"Dunmarrow {what} decision: proposal", readers, "That the alliance acts."),
            rationale=scene.text(f"Dunmarrow {what} decision: rationale", readers, "Because."),
            alternatives_considered=scene.text(f"Dunmarrow {what} decision: alternatives", readers, "None."),
            **fields,
        )  # fmt: skip

    confidential = decisions.open_decision(
        actor=SYSTEM, decision=draft("CONFIDENTIAL", "CONFIDENTIAL open", C), opened_at=opened
    )
    # Opening the KEY decision asked Voices to advise, which would let its representative read it: the
    # exclusion keeps it from them (they are told the reason, which is no canary).
    excluded = decisions.exclude_adviser(
        actor=SYSTEM,
        request=confidential.advice_requests.get(membership__organisation=orgs["Voices"]),
        reason="It names people supported by the network.",
    )
    harbour = Membership.objects.get(alliance=alliance, organisation=orgs["Harbour Light"])
    vote = decisions.cast_vote(actor=SYSTEM,
        decision=confidential, membership=harbour, position="AGREE", cast_by=people["Alasdair Ross"],
        statement=scene.text("Dunmarrow vote statement on the CONFIDENTIAL decision", C), cast_at=voted, now=voted,
    )  # fmt: skip
    advice = decisions.record_advice(actor=SYSTEM,
        decision=confidential, organisation=orgs["Voices"],
        advice=scene.text("Dunmarrow advice on the CONFIDENTIAL decision", C),
    )  # fmt: skip
    decisions.respond_to_advice(
        actor=SYSTEM,
        advisory_input=advice,
        response=scene.text("Dunmarrow response to advice on the CONFIDENTIAL decision", C),
    )
    threshold = Membership.objects.get(alliance=alliance, organisation=orgs["Threshold"])
    recusal = decisions.record_recusal(actor=SYSTEM,
        decision=confidential, membership=threshold,
        reason=scene.text("Dunmarrow recusal reason on the CONFIDENTIAL decision", C),
    )  # fmt: skip
    action = decisions.create_action_item(actor=SYSTEM,
        decision=confidential, title=scene.text("Dunmarrow action item of the CONFIDENTIAL decision: title", C),
        due_on=date.today() + timedelta(days=60), owner_person=people["Priya Raman"],
        notes=scene.text("Dunmarrow action item of the CONFIDENTIAL decision: notes", C),
    )  # fmt: skip

    members = decisions.open_decision(actor=SYSTEM, decision=draft("MEMBERS", "MEMBERS open", M), opened_at=opened)
    members_vote = decisions.cast_vote(actor=SYSTEM,
        decision=members, membership=harbour, position="OBJECT", cast_by=people["Alasdair Ross"],
        statement=scene.text("Dunmarrow vote statement on the MEMBERS decision", M), cast_at=voted, now=voted,
    )  # fmt: skip
    members_advice = decisions.record_advice(
        actor=SYSTEM,
        decision=members,
        organisation=orgs["Voices"],
        advice=scene.text("Dunmarrow advice on the MEMBERS decision", M),
    )
    public_draft = draft("PUBLIC", "PUBLIC DRAFT", M)
    confidential_draft = draft("CONFIDENTIAL", "CONFIDENTIAL DRAFT", C)

    # A CONFIDENTIAL policy decision adopts a policy version (the policy itself is members-level).
    policy_decision = draft("CONFIDENTIAL", "CONFIDENTIAL POLICY", C, kind="POLICY", closes_at=at(date(2023, 7, 14)),
                            now=at(date(2023, 7, 1), 9))  # fmt: skip
    policy_decision = decisions.open_decision(actor=SYSTEM, decision=policy_decision, opened_at=at(date(2023, 7, 1), 9))
    a.vote_all(policy_decision, date(2023, 7, 3))
    policy_decision = decisions.close_decision(
        actor=SYSTEM, decision=policy_decision, closed_at=at(date(2023, 7, 14), 9)
    )
    # Decisions that link to restricted ones: a CONFIDENTIAL appointment to the liaison's role (its handover
    # pack lists the decisions that shaped the role), and MEMBERS drafts that revisit or amend CONFIDENTIAL ones.
    appointment = draft(
        "CONFIDENTIAL", "CONFIDENTIAL APPOINTMENT draft", C, kind="APPOINTMENT", appointment_role=liaison,
        appointment_person=people["Kirsty Gray"], appointment_starts_on=date(2027, 1, 1),
    )  # fmt: skip
    revisiting = draft("MEMBERS", "MEMBERS draft that revisits the CONFIDENTIAL open one", M, revisits=[confidential])
    amending = decisions.amend_decision(actor=SYSTEM,
        decision=policy_decision, kind="POLICY", visibility="MEMBERS", closes_at=closes,
        title=scene.text("Dunmarrow MEMBERS draft amending the CONFIDENTIAL POLICY decision: title", M),
        proposal=scene.text("Dunmarrow MEMBERS draft amending the CONFIDENTIAL POLICY decision: proposal", M),
    )  # fmt: skip
    liaison_item = decisions.create_action_item(actor=SYSTEM,
        decision=confidential, owner_role=liaison, due_on=date.today() + timedelta(days=90),
        title=scene.text("Dunmarrow action item of the CONFIDENTIAL decision owned by the liaison role", C),
    )  # fmt: skip

    policy = awards.adopt_policy(
        alliance=alliance, adopted_by=policy_decision, in_force_from=date(2030, 1, 1), approving_body=alt,
        rules=RULES_V2, title=scene.text("Dunmarrow policy v3: title", M, "Schedule part 10"),
        notes=scene.text("Dunmarrow policy v3: notes", M),
    )  # fmt: skip

    # A CONFIDENTIAL direct award, from start to contract: its contract and approval are confidential too.
    process = a.start(
        title=scene.text("Dunmarrow CONFIDENTIAL award: title (and its contract's, and its approval's)", C),
        description=scene.text("Dunmarrow CONFIDENTIAL award: description", C),
        service_category="youth_outreach", route="DIRECT_AWARD", estimated_annual_value="90000",
        estimated_total_value="270000", started_on=date(2023, 6, 1), direct_award_to=orgs["Wayfinder"],
        route_justification={
            "value for money": scene.text("Dunmarrow CONFIDENTIAL award: justification (value for money)", C),
            "why this member": scene.text("Dunmarrow CONFIDENTIAL award: justification (why this member)", C),
        },
        visibility="CONFIDENTIAL",
    )  # fmt: skip
    a.move(process, "SUBMISSIONS", date(2023, 6, 2), scene.text("Dunmarrow CONFIDENTIAL award: transition reason", C))
    _paper(scene, process, "dunmarrow", "Dunmarrow CONFIDENTIAL award's bid", C, kind="bid")
    submission = a.bid(
        process, orgs["Wayfinder"], date(2023, 6, 5), "265000",
        scene.text("Dunmarrow CONFIDENTIAL award: submission summary", C),
    )  # fmt: skip
    a.move(process, "EVALUATION", date(2023, 6, 6))
    a.move(process, "RECOMMENDED", date(2023, 6, 7), "Meets the specification.", submission=submission)
    approval = a.approve(process, date(2023, 6, 8))
    a.close(approval, date(2023, 6, 22))
    a.move(process, "APPROVED", date(2023, 6, 22))
    a.move(process, "CONTRACTED", date(2023, 6, 26), starts_on=date(2023, 7, 1), ends_on=date(2026, 6, 30),
           annual_value="88000")  # fmt: skip
    process.refresh_from_db()

    ovs = users[OVERSIGHT]
    public_award = AwardProcess.objects.filter(alliance=alliance, visibility="PUBLIC").order_by("pk").first()
    notes = [
        awards.write_oversight_note(actor=access_for(ovs), alliance=alliance, text=scene.text("Dunmarrow oversight note", OG)),
        awards.write_oversight_note(actor=access_for(ovs), alliance=alliance, award_process=public_award,
            text=scene.text("Dunmarrow oversight note on a PUBLIC award", OG),
        ),
        awards.write_oversight_note(actor=access_for(ovs), alliance=alliance, decision=members, text=scene.text("Dunmarrow oversight note on a decision", OG)
        ),
        awards.write_oversight_note(actor=access_for(ovs), alliance=alliance, award_process=process,
            text=scene.text("Dunmarrow oversight note on the CONFIDENTIAL award", OG),
        ),
    ]  # fmt: skip

    # oqueries: a CONFIDENTIAL oversight query, answered, for the standings that read confidential records.
    secret_query = awards.raise_oversight_query(actor=access_for(ovs), alliance=alliance, to_body=alt,
        subject=scene.text("Dunmarrow CONFIDENTIAL oversight query: subject", C),
        text=scene.text("Dunmarrow CONFIDENTIAL oversight query: text", C), due_on=date(2023, 9, 1),
        on=date(2023, 8, 1), visibility="CONFIDENTIAL", award_process=process,
    )  # fmt: skip
    awards.answer_oversight_query(actor=SYSTEM, query=secret_query, on=date(2023, 8, 20),
        answer=scene.text("Dunmarrow CONFIDENTIAL oversight query: answer", C))  # fmt: skip
    notes.append(secret_query)

    meeting = decisions.schedule_meeting(actor=SYSTEM, body=alt, starts_at=at(date(2023, 8, 3)), title="ALT extra meeting",
                                         location="Harbour Light offices")  # fmt: skip
    observer = decisions.record_attendance(actor=SYSTEM, meeting=meeting, person=people["Kirsty Gray"],
                                           capacity="observer")  # fmt: skip
    decisions.mark_meeting_held(actor=SYSTEM, meeting=meeting, minutes=scene.text("Dunmarrow meeting minutes", M))
    _minutes_of(scene, meeting, "dunmarrow", "Dunmarrow", M)
    interest = roles.declare_interest(actor=SYSTEM,
        alliance=alliance, person=people["Kirsty Gray"], interest=scene.text("Dunmarrow declared interest", M),
        declared_on=date(2023, 2, 1), concerns_organisation=orgs["Northgate"],
    )  # fmt: skip
    delegation = roles.grant_delegation(
        role=liaison, body=alt, scope=scene.text("Dunmarrow delegation scope", M), decision_kinds=["OPERATIONAL"],
        financial_limit=Decimal("5000"), valid_from=date(2023, 1, 1),
    )  # fmt: skip
    plan_entry = forward_plan.save_entry(actor=SYSTEM,
        alliance=alliance, body=alt, title=scene.text("Dunmarrow UNPUBLISHED forward plan entry", DUN_PLAN_KEEPERS),
        kind="KEY", expected_on=date(2027, 1, 15), contact_name="Rachel Ogilvie",
        contact_email="rachel.ogilvie@example.org", published=False,
    )  # fmt: skip

    secret_document = decisions.add_governing_document(actor=SYSTEM,
        alliance=alliance, title=scene.text("Dunmarrow CONFIDENTIAL governing document: title", C, "Exit plan"),
        kind="other", summary=scene.text("Dunmarrow CONFIDENTIAL governing document: summary", C),
        required_by_agreement=True, agreement_clause=scene.text("Dunmarrow CONFIDENTIAL governing clause", C),
        award_routes=["DIRECT_AWARD"], visibility="CONFIDENTIAL", target_date=date(2021, 1, 31),
    )  # fmt: skip
    superseded_document = decisions.add_governing_document(actor=SYSTEM,
        alliance=alliance, title=scene.text("Dunmarrow MEMBERS governing document: title", M, "Complaints protocol"),
        kind="communication", version_label="v1",
    )  # fmt: skip
    current_document = decisions.new_governing_document_version(
        actor=SYSTEM, document=superseded_document, version_label="v2"
    )
    superseded_document.refresh_from_db()

    released, released_recusal, unreleased, embargoed, release, embargo = _releases(scene, draft, harbour, opened)

    for obj in (confidential, members, public_draft, confidential_draft, policy_decision, approval, appointment,
                revisiting, amending, vote, members_vote, advice, members_advice, recusal, action, liaison_item,
                policy, process, submission, meeting, interest, delegation, voices, liaison, advisory_rep, shared,
                plan_entry, *notes, secret_document, superseded_document, current_document):  # fmt: skip
        scene.add(obj, "dunmarrow")
    scene.add(Contract.objects.get(awarded_through=process), "dunmarrow")
    _delivery(scene, alliance, "dunmarrow", "Dunmarrow", approval, Contract.objects.get(awarded_through=process),
              {"CONFIDENTIAL": C, "MEMBERS": M})  # fmt: skip
    scene.add(RoleAssignment.objects.get(role=voices), "dunmarrow")
    scene.add(harbour, "dunmarrow")
    scene.named.update(
        dun_members_decision=members,
        dun_confidential_decision=confidential,
        dun_meeting=meeting,
        dun_action=action,
        dun_attendance=observer,
    )
    scene.pair(meeting, observer, "dunmarrow")
    scene.pair(confidential, advice, "dunmarrow")
    scene.pair(excluded.decision, excluded, "dunmarrow")
    scene.pair(members, members_advice, "dunmarrow")
    scene.pair(confidential, recusal, "dunmarrow")
    for obj in (released, released_recusal, unreleased, embargoed, release, embargo):
        scene.add(obj, "dunmarrow")
    scene.pair(released, released_recusal, "dunmarrow")
    scene.pair(embargoed, embargo, "dunmarrow")
    scene.pair(released, release, "dunmarrow")
    _paper(scene, confidential, "dunmarrow", "Dunmarrow CONFIDENTIAL open decision's", C)
    _paper(scene, members, "dunmarrow", "Dunmarrow MEMBERS open decision's", M)
    _paper(scene, confidential_draft, "dunmarrow", "Dunmarrow CONFIDENTIAL DRAFT decision's", C)
    scene.named.update(dun_released=released, dun_unreleased=unreleased, dun_embargoed=embargoed, dun_embargo=embargo)
    return {"alliance": alliance, "shared": shared, "harbour": orgs["Harbour Light"]}


def _delivery(scene: SmokeScene, alliance, slug: str, place: str, decision, contract, readers: dict) -> None:
    """The delivery plan's canaries: a workstream at each visibility in ``readers``, a milestone of each with
    a red status and its reason, and a contract waiting on it (contracts.services.delivery)."""
    from contracts.services import delivery

    if decision.status != Decision.Status.AGREED:  # the award's approval is still open when the scene runs this
        decision = Decision.objects.filter(alliance=alliance, status=Decision.Status.AGREED).order_by("pk").first()
    for visibility, who in readers.items():
        workstream = delivery.create_workstream(actor=SYSTEM,
            alliance=alliance, title=scene.text(f"{place} {visibility} workstream: title", who, "Redesign"),
            objective=scene.text(f"{place} {visibility} workstream: objective", who),
            success_definition=scene.text(f"{place} {visibility} workstream: success", who), visibility=visibility,
        )  # fmt: skip
        workstream = delivery.adopt_workstream(actor=SYSTEM, workstream=workstream, decision=decision)
        milestone = delivery.add_milestone(actor=SYSTEM, workstream=workstream,
            title=scene.text(f"{place} {visibility} milestone: title", who), baseline_target_on=date(2022, 3, 31),
        )  # fmt: skip
        milestone = delivery.set_milestone_rag(actor=SYSTEM, milestone=milestone, rag="red",
            reason=scene.text(f"{place} {visibility} milestone: reason", who))  # fmt: skip
        link = delivery.link_workstream_contract(actor=SYSTEM, workstream=workstream, contract=contract,
            note=scene.text(f"{place} {visibility} dependent contract: note", who))  # fmt: skip
        for obj in (workstream, milestone, link):
            scene.add(obj, slug)
        scene.pair(workstream, link, slug)


RELEASED_TITLE = "Released decision: the winter shelter plan, announced"


def _releases(scene: SmokeScene, draft, membership: Membership, opened: datetime) -> tuple:
    """Issue 18 part 6: CONFIDENTIAL decisions, closed (withdrawn: sealed), one released to the public (read by
    everyone, so its texts are no canary, but its recusal's reason is one: read only with a standing), one not
    released, and one embargoed until a week from now (confidential until then; tests/smoke/test_releases.py
    reads it after its moment)."""

    def closed(decision, recuse=False):
        decision = decisions.open_decision(actor=SYSTEM, decision=decision, opened_at=opened)
        recusal = None
        if recuse:
            recusal = decisions.record_recusal(
                actor=SYSTEM, decision=decision, membership=membership,
                reason=scene.text("Dunmarrow recusal reason on the RELEASED decision", DUN_MEMBERS),
            )  # fmt: skip
        decisions.withdraw_decision(actor=SYSTEM, decision=decision, reason="Taken off the agenda.")
        return decision, recusal

    public_draft = decisions.draft_decision(
        actor=SYSTEM, body=membership.alliance.bodies.get(code="ALT"), kind="KEY", visibility="CONFIDENTIAL",
        title=RELEASED_TITLE, proposal="That the winter shelter opens in November.",
        closes_at=timezone.now() + timedelta(days=30),
    )  # fmt: skip
    released, recusal = closed(public_draft, recuse=True)
    release = decisions.release_decision(actor=SYSTEM, decision=released, to_visibility="PUBLIC",
                                         reason="Announced at the annual meeting.")  # fmt: skip
    # Operational, not KEY: a KEY decision asks the advisory members to advise, who would then read it (part 5).
    unreleased, _ = closed(
        draft("CONFIDENTIAL", "CONFIDENTIAL closed, NOT released", DUN_CONFIDENTIAL, kind="OPERATIONAL")
    )
    embargoed, _ = closed(draft("CONFIDENTIAL", "CONFIDENTIAL EMBARGOED", DUN_CONFIDENTIAL, kind="OPERATIONAL"))
    embargo = decisions.release_decision(
        actor=SYSTEM, decision=embargoed, to_visibility="PUBLIC", reason="Embargoed until the press release.",
        takes_effect_at=timezone.now() + timedelta(days=7),
    )  # fmt: skip
    return released, recusal, unreleased, embargoed, release, embargo


# Kestrel Vale: a non-publishing alliance, every record a canary -------------------------------


def _minutes_of(scene: SmokeScene, meeting, slug: str, place: str, readers, owner=None) -> None:
    """A held meeting's agenda item with its minute, and an action agreed under it, carrying canaries."""
    item = AgendaItem.objects.create(meeting=meeting, position=1, title=f"{place} minuted item")
    decisions.record_item_minute(actor=SYSTEM, item=item, discussion=scene.text(f"{place} item minute", readers))
    scene.pair(meeting, item, slug)
    if owner is not None:
        action = decisions.create_action_item(actor=SYSTEM,
            meeting=meeting, agenda_item=item, title=scene.text(f"{place} meeting action: title", readers),
            due_on=meeting.starts_at.date() + timedelta(days=60), owner_person=owner,
        )  # fmt: skip
        scene.add(action, slug)


def _kestrel(scene: SmokeScene, users: dict, dun: dict) -> None:
    K = KESTREL
    t = scene.text
    commissioner = core.save_organisation(
        name=t("Kestrel Vale commissioner: name", K, "Kestrel Vale Council"), short_name=scene.canary(
            "Kestrel Vale commissioner: short name", K), kind=Organisation.Kind.COMMISSIONER,
    )  # fmt: skip
    alliance = core.save_alliance(
        name=t("Kestrel Vale alliance: name", K, "Kestrel Vale Alliance"), slug=KESTREL_SLUG,
        purpose=t("Kestrel Vale alliance: purpose", K), commissioner=commissioner, publish_register=False,
    )  # fmt: skip
    core.create_agreement(
        alliance=alliance, title=t("Kestrel Vale agreement: title", K), signed_on=START, starts_on=START,
        ends_on=date(2027, 6, 30), principles=[t("Kestrel Vale agreement: principle", K)],
        budgets={2021: Decimal("7000000"), 2022: Decimal("6650000")},
    )  # fmt: skip
    care = core.save_organisation(
        name=t("Kestrel Vale provider: name", K, "Care Trust"), short_name=scene.canary("Kestrel Vale provider: short",
        K), kind=Organisation.Kind.PROVIDER,
    )  # fmt: skip
    voices = core.save_organisation(
        name=t("Kestrel Vale lived-experience group: name", K, "Voices"),
        short_name=scene.canary("Kestrel Vale lived-experience group: short", K),
        kind=Organisation.Kind.LIVED_EXPERIENCE,
    )  # fmt: skip
    shared_org = dun["harbour"]
    harbour = core.create_membership(
        alliance=alliance, organisation=shared_org, status="VOTING", joined_on=START, is_signatory=True,
        capacities=["provider"], reason=t("Kestrel Vale membership of the shared organisation: reason", K),
    )  # fmt: skip
    care_m = core.create_membership(
        alliance=alliance, organisation=care, status="VOTING", joined_on=START, is_signatory=True,
        capacities=["provider"],
    )  # fmt: skip
    voices_m = core.create_membership(
        alliance=alliance, organisation=voices, status="ADVISORY", joined_on=START, capacities=["lived_experience"]
    )
    klt = core.save_body(
        alliance=alliance, name=t("Kestrel Vale leadership team: name", K), code="KLT",
        kind=GoverningBody.Kind.LEADERSHIP, decision_rule=GoverningBody.DecisionRule.UNANIMOUS,
        quorum_fraction=Decimal("0.5"), established_on=START,
    )  # fmt: skip
    kog = core.save_body(
        alliance=alliance, name=t("Kestrel Vale oversight group: name", K), code="KOG",
        kind=GoverningBody.Kind.OVERSIGHT, decision_rule=GoverningBody.DecisionRule.MAJORITY, quorum_count=1,
        abstention_blocks=False, established_on=START,
    )  # fmt: skip
    # The oversight group has seats of its own (a person in their own right, and the provider); the
    # leadership team decides procedural matters by majority.
    kog = roles.set_own_seats(actor=SYSTEM, body=kog, own_seats=True, reason=t("Kestrel Vale seating: reason", K))
    klt_rule = roles.set_kind_rule(actor=SYSTEM, body=klt, kind="PROCEDURAL", decision_rule="MAJORITY")

    def person(what, user=None, employer=None):
        return roles.save_person(
            name=t(f"Kestrel Vale person ({what}): name", K, "Kestrel"),
            email=f"{what.replace(' ', '-')}@kestrel.example.org", employer=employer, user=user,
        )  # fmt: skip

    User = get_user_model()
    k_secretary_user = User.objects.create_user(username="kestrel-secretary", email="ks@kestrel.example.org")
    k_oversight_user = User.objects.create_user(username="kestrel-oversight", email="ko@kestrel.example.org")
    rep = person("provider representative", employer=care)
    secretary = person("secretary", user=k_secretary_user)
    overseer = person("oversight member", user=k_oversight_user)
    advisor = person("advisor")
    evaluator = person("evaluator")
    director = person("director")
    shared = dun["shared"]

    def role(what, kind, body=klt, organisation=None, holder=None, single=True):
        r = roles.save_role(
            alliance=alliance, title=t(f"Kestrel Vale role ({what}): title", K), kind=kind, body=body,
            organisation=organisation, single_holder=single,
            description=t(f"Kestrel Vale role ({what}): description", K),
        )  # fmt: skip
        if holder is not None:
            roles.assign_role(role=r, person=holder, starts_on=START, notes=t(f"Kestrel Vale assignment ({what})", K))
        return r

    shared_role = role("shared person's representative post", Role.Kind.MEMBER_REPRESENTATIVE,
                       organisation=shared_org, holder=shared)  # fmt: skip
    role("provider representative", Role.Kind.MEMBER_REPRESENTATIVE, organisation=care, holder=rep)
    role("secretary", Role.Kind.SECRETARY, holder=secretary)
    role("oversight", Role.Kind.OVERSIGHT_MEMBER, body=kog, holder=overseer, single=False)
    role("advisor", Role.Kind.ADVISOR, holder=advisor, single=False)
    person_seat = roles.add_seat(
        actor=SYSTEM, body=kog, person=person("oversight seat holder"), starts_on=START,
        notes=t("Kestrel Vale seat: notes", K),
    )  # fmt: skip
    member_seat = roles.add_seat(actor=SYSTEM, body=kog, membership=care_m, starts_on=START)
    roles.end_seat(actor=SYSTEM, seat=member_seat, ends_on=date(2023, 12, 31), reason=t("Kestrel Vale seat end", K))
    director_role = role("director", Role.Kind.DIRECTOR, holder=director)
    delegation = roles.grant_delegation(
        role=director_role, body=klt, scope=t("Kestrel Vale delegation: scope", K), decision_kinds=["OPERATIONAL"],
        financial_limit=Decimal("30000"), valid_from=START, notes=t("Kestrel Vale delegation: notes", K),
    )  # fmt: skip
    interest = roles.declare_interest(actor=SYSTEM,
        alliance=alliance, person=rep, represents=care, interest=t("Kestrel Vale declared interest", K),
        declared_on=START, concerns_organisation=care,
    )  # fmt: skip

    meeting = decisions.schedule_meeting(actor=SYSTEM,
        body=klt, starts_at=at(date(2023, 3, 1)), title=t("Kestrel Vale meeting: title", K),
        location=t("Kestrel Vale meeting: location", K),
    )  # fmt: skip
    attended = decisions.record_attendance(actor=SYSTEM, meeting=meeting, person=shared,
                                           capacity="voting_representative", organisation=shared_org)  # fmt: skip
    decisions.mark_meeting_held(actor=SYSTEM, meeting=meeting, minutes=t("Kestrel Vale meeting: minutes", K))
    upcoming = decisions.schedule_meeting(
        actor=SYSTEM,
        body=klt,
        starts_at=timezone.now() + timedelta(days=20),
        title=t("Kestrel Vale upcoming meeting: title", K),
        online=True,
    )
    agenda_item = decisions.add_agenda_item(actor=SYSTEM, meeting=upcoming,
        title=t("Kestrel Vale agenda item: title", K), description=t("Kestrel Vale agenda item: description", K),
    )  # fmt: skip
    decisions.publish_agenda(actor=SYSTEM, meeting=upcoming)

    closes = timezone.now() + timedelta(days=30)
    opened = timezone.now() - timedelta(days=2)
    voted = timezone.now() - timedelta(days=1)

    def draft(visibility, what, **fields):
        return decisions.draft_decision(actor=SYSTEM,
            body=klt, kind=fields.pop("kind", "KEY"), visibility=visibility, closes_at=fields.pop("closes_at", closes),
            title=t(f"Kestrel Vale {what} decision: title", K, "Matter"),
            proposal=t(f"Kestrel Vale {what} decision: proposal", K),
            rationale=t(f"Kestrel Vale {what} decision: rationale", K),
            alternatives_considered=t(f"Kestrel Vale {what} decision: alternatives", K),
            tags=[scene.canary(f"Kestrel Vale {what} decision: tag", K)], **fields,
        )  # fmt: skip

    def vote(decision, membership, who, position, what, when=voted):
        return decisions.cast_vote(actor=SYSTEM,
            decision=decision, membership=membership, position=position, cast_by=who, cast_at=when, now=when,
            statement=t(f"Kestrel Vale vote statement ({what})", K),
        )  # fmt: skip

    confidential = decisions.open_decision(
        actor=SYSTEM, decision=draft("CONFIDENTIAL", "CONFIDENTIAL open"), opened_at=opened
    )
    # Opening it asked Voices, an advisory member here too, to advise: Voices' representative in Dunmarrow
    # (the walk's advisory standing) still reads nothing of Kestrel Vale.
    asked = confidential.advice_requests.get(membership=voices_m)
    votes = [
        vote(confidential, harbour, shared, "AGREE", "shared person, CONFIDENTIAL decision"),
        vote(confidential, care_m, rep, "OBJECT", "provider, CONFIDENTIAL decision"),
    ]
    advice = decisions.record_advice(
        actor=SYSTEM,
        decision=confidential,
        organisation=voices,
        advice=t("Kestrel Vale advice on the CONFIDENTIAL decision", K),
    )
    decisions.respond_to_advice(actor=SYSTEM, advisory_input=advice, response=t("Kestrel Vale response to advice", K))
    public = decisions.open_decision(actor=SYSTEM, decision=draft("PUBLIC", "PUBLIC (in an alliance that does not publish)"),
                                     opened_at=opened)  # fmt: skip
    recusal = decisions.record_recusal(
        actor=SYSTEM, decision=public, membership=care_m, reason=t("Kestrel Vale recusal reason", K)
    )
    members = draft("MEMBERS", "MEMBERS agreed", meeting=meeting, closes_at=None)
    members = decisions.open_decision(actor=SYSTEM, decision=members, opened_at=at(date(2023, 3, 1), 10))
    votes.append(vote(members, harbour, shared, "AGREE", "shared person, MEMBERS decision", at(date(2023, 3, 1), 11)))
    votes.append(vote(members, care_m, rep, "AGREE", "provider, MEMBERS decision", at(date(2023, 3, 1), 11)))
    members = decisions.close_decision(actor=SYSTEM, decision=members, closed_at=at(date(2023, 3, 1), 12))
    action = decisions.create_action_item(actor=SYSTEM,
        decision=members, title=t("Kestrel Vale action item: title", K), due_on=date(2023, 6, 30),
        owner_person=rep, notes=t("Kestrel Vale action item: notes", K),
    )  # fmt: skip
    _minutes_of(scene, meeting, KESTREL_SLUG, "Kestrel Vale", K, owner=rep)
    members_draft = draft("MEMBERS", "MEMBERS DRAFT")
    delegated = decisions.take_delegated_decision(actor=SYSTEM,
        body=klt, title=t("Kestrel Vale delegated decision: title", K), proposal=t("Kestrel Vale delegated: proposal",
        K), value=Decimal("12000"), decided_by=director, delegation=delegation, decided_on=date(2023, 4, 3),
        visibility="MEMBERS",
    )  # fmt: skip

    # Awards: a CONFIDENTIAL policy decision adopts the policy; a CONFIDENTIAL direct award is contracted;
    # a CONFIDENTIAL mini-competition is being scored.
    policy_decision = draft("CONFIDENTIAL", "CONFIDENTIAL POLICY", kind="POLICY", closes_at=at(date(2020, 8, 14)),
                            now=at(date(2020, 8, 1), 9))  # fmt: skip
    policy_decision = decisions.open_decision(actor=SYSTEM, decision=policy_decision, opened_at=at(date(2020, 8, 1), 9))
    for m, who in ((harbour, shared), (care_m, rep)):
        decisions.cast_vote(actor=SYSTEM, decision=policy_decision, membership=m, position="AGREE", cast_by=who,
                            cast_at=at(date(2020, 8, 3)), now=at(date(2020, 8, 3)))  # fmt: skip
    policy_decision = decisions.close_decision(
        actor=SYSTEM, decision=policy_decision, closed_at=at(date(2020, 8, 14), 9)
    )
    policy = awards.adopt_policy(
        alliance=alliance, adopted_by=policy_decision, in_force_from=date(2020, 9, 1), approving_body=klt,
        rules=RULES, title=t("Kestrel Vale policy: title", K), notes=t("Kestrel Vale policy: notes", K),
    )  # fmt: skip
    ctx = {
        "alliance": alliance, "bodies": {"ALT": klt}, "people": {}, "commissioner": commissioner,
        "providers": [shared_org, care], "network": voices, "lived": voices,
    }  # fmt: skip
    a = Awards(ctx)
    a.secretary = k_secretary_user
    direct = a.start(
        title=t("Kestrel Vale CONFIDENTIAL direct award: title", K), description=t("Kestrel Vale award: description",
        K), service_category="youth_outreach", route="DIRECT_AWARD", estimated_annual_value="100000",
        estimated_total_value="300000", started_on=date(2021, 5, 3), direct_award_to=care,
        route_justification={"value for money": t("Kestrel Vale award justification (value)", K),
                             "why this member": t("Kestrel Vale award justification (member)", K)},
        visibility="CONFIDENTIAL",
    )  # fmt: skip
    a.move(direct, "SUBMISSIONS", date(2021, 5, 4), t("Kestrel Vale award transition reason", K))
    direct_bid = a.bid(direct, care, date(2021, 5, 10), "290000", t("Kestrel Vale submission summary", K))
    a.move(direct, "EVALUATION", date(2021, 5, 11))
    a.move(direct, "RECOMMENDED", date(2021, 5, 12), t("Kestrel Vale recommendation reason", K), submission=direct_bid)
    approval = a.approve(direct, date(2021, 5, 13))
    a.close(approval, date(2021, 5, 27))
    a.move(direct, "APPROVED", date(2021, 5, 27))
    a.move(direct, "CONTRACTED", date(2021, 6, 1), starts_on=date(2021, 7, 1), ends_on=date(2024, 6, 30),
           annual_value="95000")  # fmt: skip
    direct.refresh_from_db()
    competition = a.start(
        title=t("Kestrel Vale CONFIDENTIAL mini-competition: title", K), service_category="supported_accommodation",
        route="MINI_COMPETITION", estimated_annual_value="400000", estimated_total_value="1200000",
        started_on=date(2022, 4, 4), route_justification={"value for money": t("Kestrel Vale competition: why", K)},
        visibility="CONFIDENTIAL",
    )  # fmt: skip
    a.move(competition, "SUBMISSIONS", date(2022, 4, 5))
    bids = [
        a.bid(competition, shared_org, date(2022, 5, 2), "1150000", t("Kestrel Vale bid of the shared org", K)),
        a.bid(competition, care, date(2022, 5, 3), "1100000", t("Kestrel Vale bid of the provider", K)),
    ]
    awards.note_interest(actor=SYSTEM, process=competition, declaration=interest, noted_on=date(2022, 5, 4))
    a.move(competition, "EVALUATION", date(2022, 5, 5))
    for bid in bids:
        awards.record_score(actor=SYSTEM, submission=bid, criterion="Quality", evaluator=evaluator, score=7,
                            scored_on=date(2022, 5, 9), comment=t("Kestrel Vale score comment", K))  # fmt: skip
    members_award = a.start(
        title=t("Kestrel Vale MEMBERS award: title", K), service_category="street_outreach", route="DIRECT_AWARD",
        estimated_annual_value="50000", estimated_total_value="100000", started_on=date(2023, 1, 9),
        direct_award_to=shared_org, visibility="MEMBERS",
        route_justification={"value for money": t("Kestrel Vale MEMBERS award: value", K),
                             "why this member": t("Kestrel Vale MEMBERS award: member", K)},
    )  # fmt: skip

    notes = [
        awards.write_oversight_note(actor=access_for(k_oversight_user), alliance=alliance, text=t("Kestrel Vale oversight note", STAFF_ONLY)
        ),
        awards.write_oversight_note(actor=access_for(k_oversight_user), alliance=alliance, award_process=direct,
                                    text=t("Kestrel Vale oversight note on the award", STAFF_ONLY)),
        awards.write_oversight_note(actor=access_for(k_oversight_user), alliance=alliance, decision=confidential,
                                    text=t("Kestrel Vale oversight note on a decision", STAFF_ONLY)),
    ]  # fmt: skip
    # oqueries: Kestrel Vale's oversight queries, one MEMBERS and open, one CONFIDENTIAL and withdrawn.
    for visibility in ("MEMBERS", "CONFIDENTIAL"):
        k_query = awards.raise_oversight_query(actor=access_for(k_oversight_user), alliance=alliance, to_body=klt,
            subject=t(f"Kestrel Vale {visibility} oversight query: subject", K),
            text=t(f"Kestrel Vale {visibility} oversight query: text", K), due_on=date(2023, 3, 1),
            on=date(2023, 2, 1), visibility=visibility, decision=confidential,
        )  # fmt: skip
        if visibility == "CONFIDENTIAL":
            k_query = awards.withdraw_oversight_query(actor=SYSTEM, query=k_query, on=date(2023, 2, 10),
                reason=t("Kestrel Vale oversight query: withdrawal reason", K))  # fmt: skip
        notes.append(k_query)
    plan_entry = forward_plan.save_entry(actor=SYSTEM,
        alliance=alliance, body=klt, title=t("Kestrel Vale forward plan entry", K), kind="KEY",
        expected_on=date(2027, 2, 1), contact_name="Kestrel secretary", contact_email="ks@kestrel.example.org",
        published=True, summary=t("Kestrel Vale forward plan summary", K),
    )  # fmt: skip
    k_documents = [
        decisions.add_governing_document(
            actor=SYSTEM,
            alliance=alliance,
            title=t(f"Kestrel Vale {visibility} governing document: title", K),
            kind="manual_section",
            summary=t(f"Kestrel Vale {visibility} governing document: summary", K),
            required_by_agreement=True,
            agreement_clause=t(f"Kestrel Vale {visibility} governing clause", K),
            award_routes=["MINI_COMPETITION"],
            visibility=visibility,
            target_date=date(2021, 3, 31),
        )  # fmt: skip
        for visibility in ("CONFIDENTIAL", "MEMBERS")
    ]
    notification = Notification.objects.create(
        alliance=alliance, kind=NotificationKind.values[0], recipient_email="ks@kestrel.example.org",
        recipient_user=k_secretary_user, subject=t("Kestrel Vale notification: subject", STAFF_ONLY),
        body=t("Kestrel Vale notification: body", STAFF_ONLY), event_key="smoke:kestrel", created_at=timezone.now(),
        due_at=timezone.now(),
    )  # fmt: skip

    contract = Contract.objects.get(awarded_through=direct)
    # --- scope ---
    scope_line = scope.record_service_line(
        actor=SYSTEM, alliance=alliance, name=t("Kestrel Vale service line: name", K), annual_value="900000",
        in_scope=False, retention_reason=t("Kestrel Vale service line: reason for retention", K),
        description=t("Kestrel Vale service line: description", K), provider=care, changed_by=policy_decision,
    )  # fmt: skip
    scope_contract = scope.record_purchased_contract(
        actor=SYSTEM, service_line=scope_line, title=t("Kestrel Vale purchased contract: title", K), provider=care,
        annual_value="800000", starts_on=date(2021, 4, 1), ends_on=date(2023, 3, 31),
    )  # fmt: skip
    envelope = scope.set_budget_envelope(
        actor=SYSTEM, alliance=alliance, set_by=commissioner, set_by_decision=policy_decision, baseline_year=2021,
        baseline_amount="7000000", years=2, notes=t("Kestrel Vale budget envelope: notes", K),
    )  # fmt: skip
    saving = scope.record_savings(
        actor=SYSTEM, service_line=scope_line, financial_year=2022, amount="120000", member=care,
        description=t("Kestrel Vale saving: how", K),
    )  # fmt: skip
    scene.add(scope_contract, KESTREL_SLUG)
    for obj in (scope_line, envelope, saving):
        scene.add(obj, KESTREL_SLUG)
    for obj in (alliance, commissioner, care, voices, harbour, care_m, voices_m, klt, kog, rep, shared, secretary,
                overseer, shared_role, director_role, delegation, interest, meeting, upcoming, confidential, public,
                members, members_draft, delegated, policy_decision, approval, *votes, advice, recusal, action, policy,
                direct, competition, members_award, direct_bid, *bids, contract, *notes, notification, person_seat,
                member_seat, klt_rule, plan_entry, agenda_item, *k_documents):  # fmt: skip
        scene.add(obj, KESTREL_SLUG)
    for assignment in RoleAssignment.objects.filter(role__alliance=alliance):
        scene.add(assignment, KESTREL_SLUG)
    scene.named.update(
        kestrel_membership=care_m, kestrel_rep=rep, kestrel_voices=voices, kestrel_interest=interest,
        kestrel_meeting=meeting, kestrel_confidential_decision=confidential, kestrel_award=direct,
        kestrel_role=director_role, kestrel_org=care, kestrel_delegation=delegation,
    )  # fmt: skip
    _delivery(scene, alliance, KESTREL_SLUG, "Kestrel Vale", approval, contract, {"CONFIDENTIAL": K, "MEMBERS": K})
    _paper(scene, confidential, KESTREL_SLUG, "Kestrel Vale CONFIDENTIAL decision's", K)
    _paper(scene, public, KESTREL_SLUG, "Kestrel Vale PUBLIC decision's", K)
    scene.pair(confidential, advice, KESTREL_SLUG)
    scene.pair(asked.decision, asked, KESTREL_SLUG)
    scene.pair(public, recusal, KESTREL_SLUG)
    scene.pair(meeting, attended, KESTREL_SLUG)
    scene.pair(upcoming, agenda_item, KESTREL_SLUG)
    scene.pair(kog, person_seat, KESTREL_SLUG)
    scene.pair(klt, klt_rule, KESTREL_SLUG)


# The standings -------------------------------------------------------------------------------


def _users() -> dict:
    User = get_user_model()
    users = {ANONYMOUS: None}
    for standing, username in ((VIEWER, "viewer"), (MEMBER, "member"), (SECRETARY, "secretary"),
                               (OVERSIGHT, "oversight"), (STAFF, "admin")):  # fmt: skip
        users[standing] = User.objects.get(username=username)
    users[ADVISORY] = User.objects.create_user(username="advisory", email="advisory@example.org")
    users[BOTH] = User.objects.create_user(username="shared", email="shared@example.org")
    return users


# Demo records whose ids the walk also uses: the first and the last of each model, and one of each kind.
SAMPLED = {
    Alliance: "pk",
    Organisation: "pk",
    Membership: "alliance",
    GoverningBody: "alliance",
    Person: "pk",
    Role: "alliance",
    RoleAssignment: "role__alliance",
    DelegatedAuthority: "role__alliance",
    InterestDeclaration: "alliance",
    Meeting: "body__alliance",
    Decision: "alliance",
    Vote: "decision__alliance",
    AdvisoryInput: "decision__alliance",
    Recusal: "decision__alliance",
    Release: "decision__alliance",
    ActionItem: "decision__alliance",
    AwardPolicy: "alliance",
    AwardProcess: "alliance",
    Submission: "process__alliance",
    Contract: "alliance",
    OversightNote: "alliance",
    OversightQuery: "alliance",
    Notification: "alliance",
    Seat: "body__alliance",
    BodyRule: "body__alliance",
    ForwardPlanEntry: "alliance",
    GoverningDocument: "alliance",
    Measure: "alliance",
    MeasureReturn: "measure__alliance",
    ServiceLine: "alliance",
    BudgetEnvelope: "alliance",
    SavingsRecord: "alliance",
}


def _sample_demo(scene: SmokeScene) -> None:
    dun = Alliance.objects.get(slug="dunmarrow")
    for model, path in SAMPLED.items():
        qs = model.objects.all() if path == "pk" else model.objects.filter(**{path: dun})
        if model in (Alliance, Organisation, Person):
            qs = qs.exclude(pk__in=[pk for slug, pk in scene.ids.get(model, []) if slug != "dunmarrow"])
        for obj in (qs.order_by("pk").first(), qs.order_by("pk").last()):
            if obj is not None:
                scene.add(obj, "dunmarrow", sample=True)
    for status in Decision.Status.values:
        obj = Decision.objects.filter(alliance=dun, status=status).order_by("pk").first()
        if obj is not None:
            scene.add(obj, "dunmarrow", sample=True)
    for stage in AwardProcess.Stage.values:
        obj = AwardProcess.objects.filter(alliance=dun, stage=stage).order_by("pk").first()
        if obj is not None:
            scene.add(obj, "dunmarrow", sample=True)
    for decision in Decision.objects.filter(alliance=dun, advisory_inputs__isnull=False).distinct()[:1]:
        scene.pair(decision, decision.advisory_inputs.order_by("pk").first(), "dunmarrow")
    for decision in Decision.objects.filter(alliance=dun, recusals__isnull=False).distinct()[:1]:
        scene.pair(decision, decision.recusals.order_by("pk").first(), "dunmarrow")
    for meeting in Meeting.objects.filter(body__alliance=dun, attendances__isnull=False).distinct()[:1]:
        scene.pair(meeting, meeting.attendances.order_by("pk").first(), "dunmarrow")
    for meeting in Meeting.objects.filter(body__alliance=dun, agenda_items__isnull=False).distinct()[:1]:
        item = meeting.agenda_items.order_by("pk").first()
        scene.add(item, "dunmarrow", sample=True)
        scene.pair(meeting, item, "dunmarrow")
    for measure in Measure.objects.filter(alliance=dun, returns__isnull=False).distinct()[:1]:
        scene.pair(measure, measure.returns.order_by("pk").first(), "dunmarrow")
    for body in GoverningBody.objects.filter(alliance=dun, seats__isnull=False).distinct()[:1]:
        scene.pair(body, body.seats.order_by("pk").first(), "dunmarrow")
    for body in GoverningBody.objects.filter(alliance=dun, kind_rules__isnull=False).distinct()[:1]:
        scene.pair(body, body.kind_rules.order_by("pk").first(), "dunmarrow")


def _checkpoints(scene: SmokeScene) -> None:
    """A signed checkpoint of each alliance's audit chain as it stands with the canary records in it."""
    from alliance.audit import checkpoint

    for slug in scene.slugs:
        alliance = Alliance.objects.get(slug=slug)
        made = checkpoint.take(f"alliance:{alliance.pk}", force=True)
        scene.add(made, slug)


def build() -> SmokeScene:
    """Load the demo, add the canary records to it, build Kestrel Vale, and make the standings' users."""
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())
    scene = SmokeScene()
    scene.users = _users()
    dun = _dunmarrow(scene, scene.users)
    _kestrel(scene, scene.users, dun)
    _measures(scene)
    _sample_demo(scene)
    _verifications(scene)
    _imports(scene)
    _checkpoints(scene)
    return scene


def _imports(scene: SmokeScene) -> None:
    """An import of interests into each alliance (issue 22), its file name a canary: an import is read by the
    alliance's secretaries, its oversight group and staff (Kestrel Vale has none of the first two)."""
    from decisions.imports import run_import

    rows = {
        "dunmarrow": ("Avery Adair", "avery.adair@example.org", "Volunteer at a night shelter", DUN_PLAN_KEEPERS),
        KESTREL_SLUG: ("Morgan Shared", "morgan.shared@example.org", None, STAFF_ONLY),
    }
    for slug, (name, email, interest, readers) in rows.items():
        interest = interest or scene.text("Kestrel Vale imported interest", KESTREL, "Trustee of a charity")
        content = f"Person,Email,Interest,Declared on\r\n{name},{email},{interest},2024-01-10\r\n"
        run = run_import(
            actor=SYSTEM,
            alliance=Alliance.objects.get(slug=slug),
            kind="interests",
            file_name=f"{scene.canary(f'{slug} import: file name', readers)}.csv",
            content=content.encode(),
            confirm=True,
        ).run
        scene.add(run, slug)


def _verifications(scene: SmokeScene) -> None:
    """A broken verification of Dunmarrow's audit trail (issue 20, part 4): for its oversight and staff."""
    from alliance.models import AuditVerification

    moment = at(date(2026, 1, 5), 2)
    run = AuditVerification.objects.create(
        alliance=Alliance.objects.get(slug="dunmarrow"),
        status=AuditVerification.Status.FAILED,
        scheduled=True,
        requested_at=moment,
        started_at=moment,
        finished_at=moment,
        links_checked=1,
        problems=[scene.text("Dunmarrow audit verification: a problem found", DUN_OVERSIGHT, "A link was changed.")],
    )
    scene.add(run, "dunmarrow")


def _measures(scene: SmokeScene) -> None:
    """A confidential performance measure of Dunmarrow and a members-level one of Kestrel Vale, each with a
    return, whose texts are canaries (issue 21, part 2)."""
    for slug, readers, visibility in (
        ("dunmarrow", DUN_CONFIDENTIAL, "CONFIDENTIAL"),
        (KESTREL_SLUG, KESTREL, "MEMBERS"),
    ):
        alliance = Alliance.objects.get(slug=slug)
        adopted = Decision.objects.filter(alliance=alliance, status="AGREED").order_by("pk").first()
        where = "Dunmarrow confidential" if slug == "dunmarrow" else "Kestrel Vale"
        measure = awards.define_measure(
            actor=SYSTEM,
            alliance=alliance,
            name=scene.text(f"{where} measure: name", readers, "People supported"),
            definition=scene.text(f"{where} measure: definition", readers),
            unit=scene.canary(f"{where} measure: unit", readers),
            direction="higher",
            target=Decimal("10"),
            frequency="quarterly",
            first_period_starts_on=date(2022, 4, 1),
            service_category="day_services",
            adopted_by=adopted,
            visibility=visibility,
            now=at(date(2022, 3, 1)),
        )
        entry = awards.enter_return(
            actor=SYSTEM,
            measure=measure,
            period_start=date(2022, 4, 1),
            value=Decimal("7"),
            narrative=scene.text(f"{where} measure return: comment", readers),
            on=date(2022, 7, 30),
        )
        scene.add(measure, slug)
        scene.add(entry, slug)
        scene.pair(measure, entry, slug)
