"""One scene for the permission matrix and the fuzz run: an alliance with a record of every kind the
API and the pages address, the seven standings' users, and the ids that fill every route's path."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from alliance import documents, forward_plan
from alliance.models import AuditVerification, Notification
from contracts import services as award_services
from contracts.services import scope as scope_services
from decisions import services
from roles import services as roles_services
from roles.models import AccessGrant, Role
from roles.standing import SYSTEM
from tests.factories import (
    ActionItemFactory,
    AllianceFactory,
    AttendanceFactory,
    BoardPackItemFactory,
    ContractFactory,
    DecisionFactory,
    DelegatedAuthorityFactory,
    GoverningBodyFactory,
    InterestDeclarationFactory,
    MeetingFactory,
    OrganisationFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
    StaffFactory,
    UserFactory,
    upload,
)
from tests.helpers import actor_for
from tests.scenes import adopt, make_scene

STANDINGS = ["anonymous", "viewer", "representative", "secretary", "oversight", "staff", "other alliance"]


@dataclass
class PermissionScene:
    ids: dict
    users: dict
    payloads: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)
    sessions: dict = field(default_factory=dict)


def make_permission_scene() -> PermissionScene:
    scene = make_scene(voting=2)
    alliance = scene.alliance
    alliance.publish_register = True
    alliance.save()
    amt = GoverningBodyFactory(alliance=alliance, code="AMT", name="Alliance Management Team", own_seats=True)
    seat = roles_services.add_seat(actor=SYSTEM, body=amt, membership=scene.members[0], starts_on=date(2021, 1, 1))
    kind_rule = roles_services.set_kind_rule(actor=SYSTEM, body=scene.body, kind="PROCEDURAL", decision_rule="MAJORITY")
    closes = timezone.now() + timedelta(days=30)

    def opened(body, visibility, title=None):
        decision = services.draft_decision(actor=SYSTEM,
            body=body, title=title or f"A {visibility.lower()} matter", proposal="That the alliance acts.",
            kind="KEY", visibility=visibility, closes_at=closes,
        )  # fmt: skip
        return services.open_decision(actor=SYSTEM, decision=decision)

    public = opened(scene.body, "PUBLIC")
    members = opened(scene.body, "MEMBERS")
    confidential = opened(scene.body, "CONFIDENTIAL", title="Secret winter matter")
    confidential.reference = "ALT-2099-777"
    confidential.save()
    paper = documents.file_document(actor=SYSTEM, owner=members, title="Winter options paper", kind="paper",
                                    upload=upload("options.pdf"))  # fmt: skip
    secret_paper = documents.file_document(actor=SYSTEM, owner=confidential, title="Secret shelter costings",
                                           kind="paper", upload=upload("costings.pdf"))  # fmt: skip
    vote = scene.vote(members, 1, cast_at=timezone.now())
    secret_vote = scene.vote(confidential, 1, cast_at=timezone.now())
    advice = services.record_advice(actor=SYSTEM, decision=members, advice="Ask people who use the service.",
                                    organisation=scene.advisory.organisation)  # fmt: skip
    recusal = services.record_recusal(
        actor=SYSTEM, decision=public, membership=scene.members[1], reason="Trustee of a bidder."
    )
    # A release of the open MEMBERS decision, scheduled for after it closes (issue 18 part 6).
    release = services.release_decision(actor=SYSTEM, decision=members, to_visibility="PUBLIC", reason="Embargo.",
                                        takes_effect_at=closes + timedelta(days=1))  # fmt: skip
    draft = services.draft_decision(actor=SYSTEM, body=scene.body, title="A draft", proposal="That it waits.",
                                    kind="KEY", visibility="MEMBERS", closes_at=closes)  # fmt: skip
    meeting = MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 4, 10, 0, tzinfo=UTC))
    attendance = AttendanceFactory(meeting=meeting, person=scene.reps[0], capacity="observer")
    agenda_item = services.add_agenda_item(actor=SYSTEM, meeting=meeting, title="Outreach redesign")
    # A meeting with an agenda, whose board pack can be downloaded (the first has none: 409).
    agenda_meeting = MeetingFactory(body=scene.body, starts_at=datetime(2021, 4, 1, 10, 0, tzinfo=UTC))
    BoardPackItemFactory(meeting=agenda_meeting, title="Winter shelter capacity")
    action = ActionItemFactory(decision=members, owner_person=scene.reps[0])
    delegation = DelegatedAuthorityFactory(
        role=RoleFactory(alliance=alliance, title="Alliance director", kind=Role.Kind.DIRECTOR), body=scene.body
    )
    interest = InterestDeclarationFactory(alliance=alliance, person=scene.reps[0])
    policy = adopt(scene)
    award = award_services.create_process(actor=SYSTEM,
        alliance=alliance, title="Flexible community outreach", service_category="flexible_community_outreach",
        route="MINI_COMPETITION", estimated_annual_value="400000", estimated_total_value="1200000",
        started_on=date(2021, 4, 1), route_justification={"value for money": "Tested by competition."},
    )  # fmt: skip
    award.visibility = "PUBLIC"
    award.save()
    secret_award = award_services.create_process(actor=SYSTEM,
        alliance=alliance, title="Secret care homes award", service_category="flexible_community_outreach",
        route="MINI_COMPETITION", estimated_annual_value="400000", estimated_total_value="1200000",
        started_on=date(2021, 4, 1), route_justification={"value for money": "Tested by competition."},
    )  # fmt: skip
    secret_award.visibility = "CONFIDENTIAL"
    secret_award.save()
    contract = ContractFactory(alliance=alliance, provider=scene.members[0].organisation)
    entry = forward_plan.save_entry(actor=SYSTEM,
        alliance=alliance, body=scene.body, title="Winter shelter award", kind="AWARD", route="MINI_COMPETITION",
        expected_on=date(2099, 1, 15), published=True, contact_name="Alliance secretary",
        contact_email="secretary@example.org",
    )  # fmt: skip
    secret_entry = forward_plan.save_entry(actor=SYSTEM,
        alliance=alliance, body=scene.body, title="Unannounced day centre review", kind="KEY",
        expected_on=date(2099, 2, 1),
    )  # fmt: skip
    govdoc = services.add_governing_document(actor=SYSTEM,
        alliance=alliance, title="Procurement procedure", kind="procurement_procedure", required_by_agreement=True,
        agreement_clause="Schedule part 10", award_routes=["MINI_COMPETITION"],
    )  # fmt: skip
    secret_govdoc = services.add_governing_document(
        actor=SYSTEM, alliance=alliance, title="Secret exit plan", kind="other", visibility="CONFIDENTIAL"
    )
    workstream, milestone, link, secret_workstream = _delivery(scene, contract)

    # --- scope ---
    scope_decision = DecisionFactory(
        body=scene.body, status="AGREED", reference="ALT-2021-050", decided_on=date(2021, 2, 8)
    )
    service_line = scope_services.record_service_line(
        actor=SYSTEM, alliance=alliance, name="Day services", annual_value="1650000", changed_by=scope_decision
    )
    envelope = scope_services.set_budget_envelope(
        actor=SYSTEM, alliance=alliance, set_by=alliance.commissioner, set_by_decision=scope_decision,
        baseline_year=2021, baseline_amount="24600000",
    )  # fmt: skip
    saving = scope_services.record_savings(
        actor=SYSTEM, service_line=service_line, financial_year=2022, amount="950000"
    )

    users = {"staff": StaffFactory(username="staff-user")}
    users["viewer"] = UserFactory(username="viewer-user")
    AccessGrant.objects.create(user=users["viewer"], alliance=alliance, standing="viewer", starts_on=date(2020, 1, 1))
    users["representative"] = UserFactory(username="rep-user")
    scene.reps[0].user = users["representative"]
    scene.reps[0].save()
    users["secretary"] = UserFactory(username="secretary-user")
    scene.secretary.user = users["secretary"]
    scene.secretary.save()
    users["oversight"] = UserFactory(username="oversight-user")
    RoleAssignmentFactory(
        role=RoleFactory(alliance=alliance, title="Oversight Group member", kind=Role.Kind.OVERSIGHT_MEMBER),
        person=PersonFactory(user=users["oversight"]),
    )
    users["other alliance"] = UserFactory(username="outsider-user")
    AccessGrant.objects.create(
        user=users["other alliance"], alliance=AllianceFactory(), standing="oversight", starts_on=date(2020, 1, 1)
    )
    notification = Notification.objects.create(
        alliance=alliance, kind=Notification._meta.get_field("kind").choices[0][0],
        recipient_email="rep@example.org", recipient_user=users["representative"], subject="A decision opened",
        body="Please vote.", event_key="decision-opened:matrix", created_at=timezone.now(), due_at=timezone.now(),
    )  # fmt: skip
    note = award_services.write_oversight_note(
        actor=actor_for(users["oversight"]),
        alliance=alliance,
        text="Ask how the bids were scored.",
        award_process=award,
    )
    og = GoverningBodyFactory(alliance=alliance, code="OG", name="Oversight Group", kind="oversight")
    oquery = award_services.raise_oversight_query(
        actor=actor_for(users["oversight"]),
        alliance=alliance,
        raised_by_body=og,
        to_body=scene.body,
        subject="Performance information behind the extension",
        text="What performance information supported the extension?",
        due_on=timezone.localdate() + timedelta(days=14),
    )
    verification = AuditVerification.objects.create(
        alliance=alliance, status="passed", scheduled=True, requested_at=timezone.now(), finished_at=timezone.now()
    )
    from alliance.audit import checkpoint

    kept = checkpoint.take(f"alliance:{alliance.pk}")  # the alliance publishes its register: so its checkpoints
    adopting = DecisionFactory(body=scene.body, status="AGREED", reference="ALT-2021-090", decided_on=date(2021, 3, 1))
    measure = award_services.define_measure(
        actor=SYSTEM, alliance=alliance, name="People supported", definition="People supported in the quarter.",
        direction="higher", target=10, frequency="quarterly", first_period_starts_on=date(2021, 4, 1),
        service_category="day_services", reported_by=scene.members[0].organisation, adopted_by=adopting,
    )  # fmt: skip
    measure_return = award_services.enter_return(
        actor=SYSTEM, measure=measure, period_start=date(2021, 4, 1), value=8, on=date(2021, 7, 10)
    )
    import_run = _import_run(scene)
    ids = {
        "slug": alliance.slug,
        "import_run": import_run.pk,
        "secret_import_name": import_run.file_name,
        "measure": measure.pk,
        "measure_return": measure_return.pk,
        "checkpoint": kept.pk,
        "size": kept.size,
        "public": public.pk,
        "members": members.pk,
        "confidential": confidential.pk,
        "draft": draft.pk,
        "amt": opened(amt, "MEMBERS").pk,
        "membership": scene.members[0].pk,
        "organisation": scene.members[0].organisation.pk,
        "body": scene.body.pk,
        "person": scene.reps[0].pk,
        "role": scene.reps[0].assignments.get().role_id,
        "assignment": scene.reps[0].assignments.get().pk,
        "delegation": delegation.pk,
        "interest": interest.pk,
        "meeting": meeting.pk,
        "agenda_meeting": agenda_meeting.pk,
        "attendance": attendance.pk,
        "agenda_item": agenda_item.pk,
        "action": action.pk,
        "vote": vote.pk,
        "secret_vote": secret_vote.pk,
        "advice": advice.pk,
        "advice_request": members.advice_requests.get().pk,
        "recusal": recusal.pk,
        "release": release.pk,
        "policy": policy.pk,
        "award": award.pk,
        "secret_award": secret_award.pk,
        "contract": contract.pk,
        "service_line": service_line.pk,
        "envelope": envelope.pk,
        "saving": saving.pk,
        "entry": entry.pk,
        "secret_entry": secret_entry.pk,
        "secret_entry_title": secret_entry.title,
        "govdoc": govdoc.pk,
        "secret_govdoc": secret_govdoc.pk,
        "secret_govdoc_title": secret_govdoc.title,
        "notification": notification.pk,
        "note": note.pk,
        "oquery": oquery.pk,
        "secret_reference": confidential.reference,
        "secret_title": confidential.title,
        "secret_award_reference": secret_award.reference,
        "secret_award_title": secret_award.title,
        "new_organisation": OrganisationFactory(name="Newcomer Trust").pk,
        "rep": scene.reps[0].pk,
        "member0": scene.members[0].pk,
        "member1": scene.members[1].pk,
        "seated_body": amt.pk,
        "seat": seat.pk,
        "kind_rule": kind_rule.pk,
        "paper": paper.pk,
        "secret_paper": secret_paper.pk,
        "secret_paper_title": secret_paper.title,
        "verification": verification.pk,
        "workstream": workstream.pk,
        "milestone": milestone.pk,
        "link": link.pk,
        "secret_workstream": secret_workstream.pk,
        "secret_workstream_title": secret_workstream.title,
    }
    return PermissionScene(ids=ids, users=users)


def _delivery(scene, contract) -> tuple:
    """The delivery plan's records: a members-level workstream being delivered with an open milestone and a
    dependent contract, and a CONFIDENTIAL workstream."""
    from contracts.services import delivery
    from decisions.models import Decision
    from tests.factories import DecisionFactory

    adopting = DecisionFactory(body=scene.body, status=Decision.Status.AGREED, reference="ALT-2021-091")
    workstream = delivery.create_workstream(
        actor=SYSTEM, alliance=scene.alliance, title="Outreach redesign", objective="One outreach service."
    )
    workstream = delivery.adopt_workstream(actor=SYSTEM, workstream=workstream, decision=adopting)
    milestone = delivery.add_milestone(
        actor=SYSTEM, workstream=workstream, title="Service specification", baseline_target_on=date(2022, 3, 31)
    )
    link = delivery.link_workstream_contract(actor=SYSTEM, workstream=workstream, contract=contract)
    secret = delivery.create_workstream(
        actor=SYSTEM, alliance=scene.alliance, title="Secret exit redesign", objective="Exit.",
        visibility="CONFIDENTIAL",
    )  # fmt: skip
    secret = delivery.adopt_workstream(actor=SYSTEM, workstream=secret, decision=adopting)
    return workstream, milestone, link, secret


def _import_run(scene):
    """An import of the interests register, read by the alliance's secretaries, oversight and staff only."""
    from decisions.imports import run_import

    content = f"Person,Interest,Declared on\r\n{scene.reps[1].name},Trustee of a housing charity,2021-01-10\r\n"
    preview = run_import(
        actor=SYSTEM,
        alliance=scene.alliance,
        kind="interests",
        file_name="secret-import-interests.csv",
        content=content.encode(),
        confirm=True,
    )
    return preview.run
