"""The demo data tells the review's story: every test that needs the whole demo lives here.

Building the demo takes half a minute, so this module builds it once (in a transaction rolled back
at the end) and each test runs in its own savepoint inside it, as tests/decisions/test_demo.py does
for its part of the demo.
"""

import csv
import hashlib
import re
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from alliance import demo_forward_plan, documents
from alliance.access import Access
from alliance.document_models import Document, DocumentVersion
from alliance.home import HomeContext, home_for
from alliance.models import Alliance, AuditLink, ForwardPlanEntry, Membership, Notification, NotificationKind
from alliance.queries import members_on, voting_members_on
from alliance.services import record_home_visit
from contracts import ocds
from contracts.dashboard import dashboard
from contracts.models import AwardPolicy, AwardProcess, Contract, StageTransition
from contracts.queries import budget_by_year
from contracts.queries_scope import scope_and_savings, unrecorded_in_scope_lines
from contracts.scope_models import ServiceLine
from contracts.trail import award_audit_trail
from decisions.models import Decision, Vote
from decisions.queries import matters_decided_more_than_once
from roles.access import access_for
from roles.models import RoleAssignment
from tests.contracts.test_ocds import needs_schema, validate
from tests.helpers import rows

# One xdist worker loads the demo once for the whole module (the module fixture), not one per worker.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-data")]
STAFF = Access(authenticated=True, staff=True)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield Alliance.objects.get(slug="dunmarrow")
        transaction.set_rollback(True)


class Out:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text + "\n"

    def flush(self):
        pass


def test_load_demo_builds_the_structure_of_the_review_and_is_idempotent(demo):
    counts = {m.__name__: m.objects.count() for m in (Alliance, Membership)}
    call_command("load_demo", stdout=StringIO())
    assert {m.__name__: m.objects.count() for m in (Alliance, Membership)} == counts

    alliance = Alliance.objects.get(slug="dunmarrow")
    on = date(2021, 6, 1)
    assert voting_members_on(alliance, on).count() == 8
    advisory = [m for m in members_on(alliance, on) if m.status_on == "ADVISORY"]
    assert len(advisory) == 2
    assert not any(m.is_signatory for m in advisory)
    assert set(alliance.bodies.values_list("code", flat=True)) >= {"ALT", "AMT", "OG"}
    assert str(alliance.bodies.get(code="OG").established_on) == "2023-01-01"
    agreement = alliance.agreements.get()
    assert (agreement.signed_on.year, agreement.ends_on.year, agreement.extension_until.year) == (2020, 2027, 2030)
    budgets = {b.financial_year: b.amount for b in agreement.budgets.all()}
    assert str(budgets[2021]) == "24600000.00"
    assert str(budgets[2022]) == "23370000.00"


def test_every_demo_date_lies_within_the_agreements_term(demo):
    # The services refuse a date outside the term (alliance/term.py); the demo must never meet that.
    from django.utils import timezone

    from alliance.term import term_of
    from decisions.models import ActionItem, Meeting

    term = term_of(demo.pk)
    dates = [timezone.localdate(m.starts_at) for m in Meeting.objects.filter(body__alliance=demo)]
    for decision in Decision.objects.filter(alliance=demo):
        dates += [
            decision.review_on,
            decision.decided_on,
            decision.closes_at and timezone.localdate(decision.closes_at),
        ]
    for item in ActionItem.objects.filter(decision__alliance=demo):
        dates += [item.due_on, item.completed_on]
    dates += [a.starts_on for a in RoleAssignment.objects.filter(role__alliance=demo)]
    dates += [a.ends_on for a in RoleAssignment.objects.filter(role__alliance=demo)]
    dates += list(AwardProcess.objects.filter(alliance=demo).values_list("started_on", flat=True))
    outside = sorted(d for d in dates if d is not None and not term.first <= d <= term.last)
    assert len(dates) > 100 and outside == []


def test_demo_has_two_policy_versions_and_every_kind_of_award(demo):
    assert list(AwardPolicy.objects.order_by("version").values_list("version", "adopted_by__status")) == [
        (1, "AGREED"),
        (2, "AGREED"),
    ]
    stages = dict(AwardProcess.objects.values_list("title", "stage"))
    assert stages["Flexible community outreach redesign"] == "CONTRACTED"
    assert stages["Youth outreach: continuation with Wayfinder"] == "CONTRACTED"
    assert stages["Care home placements for people leaving homelessness"] == "CONTRACTED"
    assert stages["Supported accommodation for young people"] == "REJECTED"
    assert stages["Street outreach: night service"] == "CANCELLED"
    assert stages["Flexible community outreach: extension while the redesign is late"] == "CONTRACTED"
    assert set(AwardProcess.objects.values_list("route", flat=True)) == {
        "DIRECT_AWARD",
        "MINI_COMPETITION",
        "EXTERNAL_PROCUREMENT",
    }


def test_demo_outreach_trail_runs_from_policy_to_contract_with_a_recusal_and_a_correction(demo):
    process = AwardProcess.objects.get(title="Flexible community outreach redesign")
    trail = award_audit_trail(process, STAFF)
    kinds = [e["kind"] for e in trail]
    assert kinds[0] == "policy"
    assert {
        "interest",
        "submission",
        "score",
        "recommendation",
        "recusal",
        "vote",
        "advice",
        "outcome",
        "contract",
    } <= set(kinds)
    assert any(e["correction"] and e["changes"][0]["old"] == "8" for e in trail)
    assert any(e["title"] == "Threshold Community Trust recused" for e in trail)


ENDS = {
    "CONTRACTED": ("contract", "Contract: "),
    "REJECTED": ("stage", "Stage: Recommended → Rejected"),
    "CANCELLED": ("stage", "Stage: Draft → Cancelled"),
    "APPROVED": ("stage", "Stage: Recommended → Approved"),
}


def test_every_demo_trail_runs_from_the_policy_to_its_end_in_time_order_naming_who(demo):
    for process in AwardProcess.objects.filter(alliance=demo):
        trail = award_audit_trail(process, STAFF)
        extends = process.resulting_contract and process.resulting_contract.awarded_through_id != process.pk
        if extends:
            # An extension's trail opens with the contract it extends (from before its own policy); the trail
            # of a contract that was extended, the award's and the extension's, ends with the change.
            trail = [e for e in trail if e["title"] != f"Contract: {process.resulting_contract.title}"]
        assert trail[0]["kind"] == "policy", process.title
        extended = process.resulting_contract and process.resulting_contract.terms.count() > 1
        kind, title = ("contract", "Contract changed: ") if extended else ENDS[process.stage]
        assert (trail[-1]["kind"], trail[-1]["title"][: len(title)]) == (kind, title), process.title
        ats = [e["at"] for e in trail]
        assert ats == sorted(ats), process.title
        assert all(e["who"] for e in trail), [e["title"] for e in trail if not e["who"]]
        titles = [e["title"] for e in trail]
        outcome = next((i for i, e in enumerate(trail) if e["kind"] == "outcome"), None)
        decided = next((i for i, t in enumerate(titles) if t.endswith(("→ Approved", "→ Rejected"))), None)
        if decided is not None:
            assert outcome is not None and outcome < decided, process.title


def test_demo_score_correction_sits_where_it_took_effect(demo):
    trail = award_audit_trail(AwardProcess.objects.get(title="Flexible community outreach redesign"), STAFF)
    titles = [e["title"] for e in trail]
    correction = next(i for i, e in enumerate(trail) if e["kind"] == "correction" and e["title"].startswith("Score"))
    recommended = next(i for i, t in enumerate(titles) if t.endswith("→ Recommended"))
    assert correction < recommended
    assert trail[correction]["at"].date() == date(2021, 3, 17)


def test_demo_processes_start_on_their_own_dates(demo):
    for process in AwardProcess.objects.filter(alliance=demo):
        draft = process.transitions.get(to_stage="DRAFT")
        assert draft.at.date() == process.started_on, process.title


def test_demo_budget_falls_by_five_percent_a_year(demo):
    agreement = demo.agreements.get()
    budgets = sorted((b.financial_year, b.amount) for b in agreement.budgets.all())
    assert [year for year, _ in budgets] == list(range(2021, 2027))
    expected = Decimal("24600000.00")
    for year, amount in budgets:
        assert amount == expected.quantize(Decimal("0.01")), year
        expected *= Decimal("0.95")


@needs_schema
def test_demo_ocds_package_validates_against_ocds_1_1(demo):
    processes = ocds.processes_for_ocds(AwardProcess.objects.filter(alliance=demo))
    data = ocds.package(processes, uri="https://example.org/api/v1/awards/ocds/", publisher=demo.name)
    assert len(data["releases"]) == AwardProcess.objects.filter(alliance=demo).count() == 7
    validate(data)


def test_demo_is_idempotent_and_commits_against_the_budget(demo):
    call_command("load_demo", stdout=StringIO())
    assert AwardProcess.objects.count() == 7  # six in the story, the winter shelter in the demo week
    # the three awarded, the seven purchased services (demo_scope) and the inherited one in its notice period
    # (demo_warnings)
    assert Contract.objects.count() == 11
    years = {y["label"]: y for y in budget_by_year(AwardProcess.objects.first().alliance)}
    assert str(years["2021/22"]["budget"]) == "24600000.00"
    assert years["2023/24"]["committed"] > 0 and years["2023/24"]["retained"] > 0


def test_demo_budget_counts_the_purchased_services_and_warns_of_the_line_without_a_contract(demo):
    years = {y["label"]: y for y in budget_by_year(demo)}
    # Without the purchased services recorded, 2023/24 showed 3% committed and £21m of headroom.
    assert 85 <= years["2023/24"]["used_percent"] <= 100
    assert years["2023/24"]["headroom"] < Decimal("2500000")
    assert [line.name for line in unrecorded_in_scope_lines(demo, Access(authenticated=True, staff=True))] == [
        "Resettlement and tenancy sustainment"
    ]


def test_demo_scope_register_tells_the_reviews_retained_services_and_the_savings_shortfall(demo):
    answer = scope_and_savings(demo, Access(authenticated=True, staff=True), date(2023, 9, 20))
    retained = [line["name"] for line in answer["retained"]]
    for name in (
        "The partnership's own homelessness services",
        "Out-of-hours homelessness service",
        "Bed-and-breakfast budget",
        "Temporary furnished flats",
    ):
        assert name in retained
    assert all(line["retention_reason"] for line in answer["retained"])
    assert answer["envelope"]["annual_reduction_percent"] == Decimal("5.00")
    assert answer["envelope"]["reduction_from_year"] == 2
    years = {r["label"]: r for r in answer["years"]}
    assert years["2022/23"]["shortfall"] > 0 and years["2023/24"]["shortfall"] > 0
    assert years["2024/25"]["to_come"]
    bed_and_breakfast = ServiceLine.objects.get(alliance=demo, name="Bed-and-breakfast budget")
    assert bed_and_breakfast.history.count() == 2  # recorded, then raised by a decision


def test_loading_the_demo_week_again_writes_nothing(demo):
    models = (Decision, Vote, RoleAssignment, AwardProcess, StageTransition, Notification)
    before = rows(*models)
    call_command("load_demo", stdout=StringIO())
    assert rows(*models) == before


def test_the_demo_takes_a_checkpoint_of_every_chain_once(demo):
    from alliance.audit import checkpoint
    from alliance.audit.verify import all_chains
    from alliance.models import AuditCheckpoint

    kept = list(AuditCheckpoint.objects.all())
    assert sorted(c.chain for c in kept) == all_chains()
    for made in kept:
        read = checkpoint.read_checkpoint(made.note)
        assert (read.size, read.root.hex()) == (made.size, made.root_hash)
        assert made.taken_at == demo_forward_plan.DEMO_NOW
    call_command("load_demo", stdout=StringIO())
    assert AuditCheckpoint.objects.count() == len(kept)


def test_demo_has_a_forward_plan_and_a_non_empty_inbox(demo, client):
    ctx = {"alliance": demo, "bodies": {b.code: b for b in demo.bodies.all()}}
    demo_forward_plan.load(ctx, Out())  # loading again adds nothing
    published = ForwardPlanEntry.objects.filter(alliance=demo, published=True)
    # Its own entries, and the decision due on the future of the contract in its notice period (demo_warnings).
    assert published.filter(contracts__isnull=True).count() == len(demo_forward_plan.ENTRIES)
    assert published.filter(title__startswith="Decision on the future of Supported flats for families").exists()
    assert Notification.objects.filter(alliance=demo).exists()
    assert "Award the street outreach service" in client.get("/public/dunmarrow/forward-plan/").content.decode()
    client.force_login(get_user_model().objects.get(username="secretary"))
    assert "inbox-item unread" in client.get("/inbox/").content.decode()


def _to(*names: str) -> set[str]:
    return {f"{name.lower().replace(' ', '.')}@example.org" for name in names}


REPS = _to(
    "Margaret Henderson",
    "Alasdair Ross",
    "Tom Lennox",
    "Iain Forsyth",
    "Duncan Wallace",
    "Hamish Drummond",
    "Lorna Kerr",
    "Aisha Bello",
)
AT_THE_SEPTEMBER_MEETING = REPS | _to("Callum Fraser", "Sam Whyte", "Rachel Ogilvie")
LETTER = "Agree the letter to people using services about the end of the alliance"
DEMO_WEEK = {
    ("decision_opened", f"Your vote is asked: ALT-2023-012: {LETTER}"): REPS | _to("Kirsty Gray"),
    ("decision_closing", f"Vote missing, closes 21/09/2023 17:00: ALT-2023-012: {LETTER}"): _to("Tom Lennox"),
    (
        "decision_outcome",
        "Agreed: ALT-2023-007: Conclude the alliance and return commissioning to the partnership",
    ): AT_THE_SEPTEMBER_MEETING,
    (
        "decision_outcome",
        "Agreed: ALT-2023-008: Agree the transition plan for services after the alliance",
    ): AT_THE_SEPTEMBER_MEETING,
    (
        "decision_outcome",
        "Agreed: ALT-2023-009: Approve the minutes of the meeting of 19 April 2023",
    ): AT_THE_SEPTEMBER_MEETING,
    # The September meeting's draft minutes, circulated on 18 September: its attendees and the ALT's seats.
    ("minutes_circulated", "Draft minutes: ALT meeting of 13/09/2023"): AT_THE_SEPTEMBER_MEETING | _to("Kirsty Gray"),
    (
        "decision_outcome",
        "Agreed: ALT-2023-013: Award AW-2023-004: Winter night shelter 2023/24 to Harbour Light Housing",
    ): REPS - _to("Alasdair Ross"),  # Harbour Light, the bidder, was recused
    ("action_due", "Overdue: Commission the outreach evaluation"): _to("Priya Raman"),
    ("action_due", "Overdue: Report on the twenty new tenancies"): _to("Iain Forsyth"),
    # The member login's own overdue action (its home lists it).
    (
        "action_due",
        "Overdue: Send the secretary the list of people Second Step supports, for the letter",
    ): _to("Tom Lennox"),
    ("action_due", "Overdue: Set up payments through the partnership's finance team"): _to("Rachel Ogilvie"),
    (
        "action_due",
        "Overdue: Finish the procurement and financial sections of the operating manual",
    ): _to("Priya Raman"),
    (
        "review_due",
        "Review due 18/09/2023: ALT-2022-015: Run the night-time hub as a pilot until September 2023",
    ): _to("Rachel Ogilvie"),
    ("award_approved", "Award approved: AW-2023-004 Winter night shelter 2023/24"): _to(
        "Helen Strachan", "David Ure", "Morven Blair"
    ),
    (
        "role_ending",
        "No successor for Homelessness Network advisor: Callum Fraser leaves 13/10/2023",
    ): _to("Alasdair Ross", "Rachel Ogilvie"),
    # The next ALT meeting's agenda goes to each seat's representative and deputy; the shelter added after.
    ("agenda_published", "Agenda: ALT October 2023 on 11/10/2023"): REPS | _to("Kirsty Gray"),
    ("agenda_changed", "Agenda changed: ALT October 2023 on 11/10/2023"): REPS | _to("Kirsty Gray"),
    # The Oversight Group's queries (contracts/demo_queries.py): the scope query raised on 15 September to the
    # ALT's secretary, the audit-trail recommendation answered on 18 September, the performance query overdue.
    (
        "oversight_query_raised",
        "Query from Oversight Group: OQ-2023-003 Services in and out of the alliance's scope",
    ): _to("Rachel Ogilvie"),
    (
        "oversight_query_answered",
        "Answered (partly accepted): OQ-2023-002 An audit trail of award decisions",
    ): _to("Helen Strachan", "David Ure", "Morven Blair"),
    ("oversight_query_overdue", "Overdue: OQ-2023-001 Performance information behind the outreach extension"): _to(
        "Rachel Ogilvie", "Helen Strachan", "David Ure", "Morven Blair"
    ),
    # A contract of a provider outside the alliance, in its notice period with no decision on its future
    # (contracts/demo_warnings.py): the secretary and the Oversight Group are warned.
    (
        "contract_notice",
        "No decision yet on the future of Supported flats for families (Tarbet Lodge Housing), ending 31/03/2024",
    ): _to("Rachel Ogilvie", "Helen Strachan", "David Ure", "Morven Blair"),
    # load_demo's checkpoint of the audit trail, dated the demo's now: to each oversight group member.
    ("checkpoint_taken", "Audit checkpoint of Dunmarrow Homelessness Alliance, 20/09/2023 08:00"): _to(
        "Helen Strachan", "David Ure", "Morven Blair"
    ),
}


# Kinds the demo's story never sends: a broken audit trail needs someone to tamper with the database
# (tests/alliance/test_witnesses.py sends it).
# A milestone past due and a missing return come with the delivery plan's and the measures' demo parts
# (contracts/demo_delivery.py, contracts/demo_measures.py, issue 21), once merged: their recipients go in DEMO_WEEK.
# The demo's past-due milestones and missing returns fell due before the week of the demo's now (outside
# NOTIFY_LOOKBACK_DAYS), so its inbox holds none: the warnings page and the dashboard list them.
NOT_IN_THE_DEMO = {"audit_broken", "milestone_past_due", "return_missing"}


def test_command_on_the_demo_sends_each_kind_of_message_once(demo, mailoutbox):
    first, second = Out(), Out()
    call_command("send_notifications", "--now", "2023-09-20T08:00", stdout=first)
    expected = {(kind, to, subject) for (kind, subject), emails in DEMO_WEEK.items() for to in emails}
    sent = Notification.objects.filter(alliance=demo, sent_at__isnull=False)
    assert set(sent.values_list("kind", "recipient_email", "subject")) == expected
    assert {kind for kind, _, _ in expected} == set(NotificationKind.values) - NOT_IN_THE_DEMO
    assert sorted((m.to[0], m.subject) for m in mailoutbox) == sorted((to, subject) for _, to, subject in expected)
    call_command("send_notifications", "--now", "2023-09-20T09:00", stdout=second)
    assert len(mailoutbox) == len(expected)
    assert second.text.startswith("Sent 0 email(s)")


def test_demo_messages_link_to_their_record_and_say_what_to_do(demo, mailoutbox, client):
    call_command("send_notifications", "--now", "2023-09-20T08:00", stdout=Out())
    emails = {(m.to[0], m.subject): m.body for m in mailoutbox}
    client.force_login(get_user_model().objects.get(username="admin"))
    for kind in set(NotificationKind.values) - NOT_IN_THE_DEMO:
        notification = Notification.objects.filter(alliance=demo, kind=kind).first()
        body = emails[(notification.recipient_email, notification.subject)]
        assert f"Open it: {notification.url}\n" in body, kind
        assert "please " in body.lower() or "read the record" in body.lower(), kind
        assert notification.url.startswith("http://127.0.0.1:8000/alliances/dunmarrow/"), kind
        path, _, anchor = notification.url.removeprefix("http://127.0.0.1:8000").partition("#")
        page = client.get(path)
        assert page.status_code == 200, (kind, path)
        assert not anchor or f'id="{anchor}"' in page.content.decode(), (kind, anchor)


def test_command_changes_are_attributed_to_the_command(demo):
    sources = set(AuditLink.objects.values_list("source", flat=True))
    assert sources == {"command:load_demo"}


def test_verify_passes_on_the_demo(demo):
    out = StringIO()
    call_command("verify_audit", stdout=out, stderr=StringIO())
    assert "Audit chain intact" in out.getvalue()


def test_dashboard_renders_the_demo_figures_with_tables_and_charts(demo, client, staff, django_assert_max_num_queries):
    client.force_login(staff)
    logged_in = client
    with django_assert_max_num_queries(12):
        dashboard(Alliance.objects.get(slug="dunmarrow"), date(2023, 12, 31))
    response = logged_in.get("/alliances/dunmarrow/oversight/")
    content = response.content.decode()
    assert response.status_code == 200
    figures = response.context["figures"]
    assert figures["routes"]["rows"], "the demo's awards appear per year"
    assert figures["per_quarter"]["rows"], "the demo's decisions appear per quarter"
    assert figures["time_to_decision"], "average time to decision per body"
    assert figures["turnover"], "the demo's role turnover appears"
    assert figures["revisited"], "the demo's matter revisited several times appears"
    assert 'data-chart="routesCount"' in content
    assert "vendor/chart.js-4.6.1/chart.umd.min.js" in content
    assert "<caption>Decisions closed per quarter</caption>" in content
    assert 'id="chart-data"' in content


def _csv_rows(response) -> list[dict]:
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # the audit CSV opens with a BOM
    return list(csv.DictReader(StringIO(text, newline="")))


def _walk_json(client, query: str) -> list[dict]:
    entries, url = [], f"/api/v1/audit/?format=json&{query}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        entries += response.json()["results"]
        url = response.json()["next"]
    return entries


def _walk_html(client, query: str) -> list[dict]:
    entries, number = [], 1
    while True:
        response = client.get(f"/alliances/dunmarrow/audit/?{query}&page={number}")
        assert response.status_code == 200, (query, number, response.status_code)
        entries += response.context["entries"]
        if not response.context["page"].has_next():
            return entries
        number += 1


def test_oversight_reads_every_page_of_the_demo_audit_feed_and_the_whole_csv(demo, client):
    client.force_login(get_user_model().objects.get(username="oversight"))
    links = AuditLink.objects.filter(chain=f"alliance:{demo.pk}")
    day = links.order_by("history_date").values_list("history_date", flat=True).first().date().isoformat()

    pages = _walk_html(client, "")
    assert len(pages) == links.count()
    revisits = [e for e in pages if e["changes"] and e["changes"][0]["field"] == "revisits"]
    assert len(revisits) == links.filter(history_model="decisions.historicaldecision_revisits").count() > 0
    assert all(e["when"] and e["object"] and e["changes"][0]["new"] for e in revisits)
    entries = _walk_json(client, "page_size=200")
    assert [e["id"] for e in entries] == [e["id"] for e in pages]  # oversight reads all of its alliance's chain

    page = client.get("/alliances/dunmarrow/audit/").content.decode()
    download = re.search(r'href="([^"]*)">Download all as CSV', page).group(1).replace("&amp;", "&")
    assert [int(r["id"]) for r in _csv_rows(client.get(download))] == [e["id"] for e in pages]
    assert len(_csv_rows(client.get("/api/v1/audit/csv/"))) == len(pages)

    # Every filter of the page answers, and means what it means in the API (one filterset): the page
    # shows exactly the feed's entries for the same query; the CSV holds what the feed shows.
    for query in ("model=decisions.decision", "change_type=changed", "user=admin", f"since={day}", f"until={day}",
                  f"since={day}&until={day}", "user=oversight&change_type=created"):  # fmt: skip
        feed = _walk_json(client, f"alliance=dunmarrow&page_size=200&{query}")
        assert [e["id"] for e in _walk_html(client, query)] == [e["id"] for e in feed], query
        assert feed or query.startswith("user="), query  # the demo's changes were made by its command
    for query in ("model=decision", "change_type=created", "source=command:load_demo", f"since={day}T00:00:00Z",
                  f"until={day}T23:59:59Z"):  # fmt: skip
        response = client.get(f"/api/v1/audit/?format=json&{query}")
        assert response.status_code == 200 and response.json()["results"], query
    html = "model=decisions.decision&change_type=changed"
    expected = links.filter(object_model="decisions.decision", change_type="~").count()
    assert len(_walk_html(client, html)) == expected > 50, "more than one page"
    for query in ("model=decisions.decision&object=8", "model=decision&change_type=deleted", "source=web",
                  "user=oversight", "model=decision&change_type=changed&page_size=20"):  # fmt: skip
        entries = _walk_json(client, query)
        rows_ = _csv_rows(client.get(f"/api/v1/audit/csv/?{query}"))
        assert [int(r["id"]) for r in rows_] == [e["id"] for e in entries], query


def test_demo_sends_the_decisions_beyond_the_alts_authority_to_the_ijb_for_approval(demo):
    ijb = demo.bodies.get(code="IJB")
    assert ijb.is_outside
    authority = ijb.delegations_granted.get(grantee_body__code="ALT")
    assert authority.financial_limit == Decimal("2000000.00") and authority.granted_reference
    approved = {d.value: d for d in Decision.objects.filter(alliance=demo, approval_from=ijb)}
    assert Decimal("24600000.00") in approved and Decimal("3450000.00") in approved
    for decision in approved.values():
        assert decision.status == Decision.Status.AGREED
        assert decision.approval.reference.startswith("IJB minute of ")
        assert "over the £2m IJB delegated to ALT" in decision.approval_needed
    award = AwardProcess.objects.get(alliance=demo, approval_decision=approved[Decimal("3450000.00")])
    assert award.stage == AwardProcess.Stage.CONTRACTED


# The review's story, as the record tells it ---------------------------------------------------------


def _matter(decision: Decision) -> set[Decision]:
    """A decision and every decision linked to it by revisits, either way."""
    seen, todo = set(), [decision]
    while todo:
        d = todo.pop()
        if d not in seen:
            seen.add(d)
            todo += [*d.revisits.all(), *d.revisited_by.all()]
    return seen


def test_the_operating_manual_was_never_finalised(demo):
    manual = Decision.objects.get(alliance=demo, title="Adopt the alliance operating manual")
    tagged = [d for d in Decision.objects.filter(alliance=demo) if "operating-manual" in d.tags]
    # Brought to the first ALT, deferred with its procurement and financial sections not agreed...
    deferred = manual.history.filter(status=Decision.Status.DEFERRED).earliest("history_date")
    assert "procurement and financial sections are not agreed" in deferred.history_change_reason
    # ...brought back in December 2020 and lapsed, positions missing (nobody objected)...
    assert (manual.status, manual.decided_on) == (Decision.Status.LAPSED, date(2020, 12, 9))
    assert manual.not_voted_count == 3 and manual.object_count == 0
    assert manual.outcome_explanation.startswith("Lapsed: positions missing")
    # ...an interim protocol that revisits it, with the action to finish the manual never done...
    interim = next(d for d in tagged if d.status == Decision.Status.AGREED)
    assert manual in interim.revisits.all() and "interim" in interim.title
    item = interim.action_items.get(title__startswith="Finish the procurement and financial sections")
    assert item.status == "open" and item.due_on < date(2023, 9, 20)
    # ...and brought back again in 2022, deferred and never taken: no version of the manual was ever agreed.
    again = next(d for d in tagged if d.status == Decision.Status.DEFERRED)
    assert {manual, interim} <= set(again.revisits.all())
    assert len(tagged) == 3 and not any(d.status == Decision.Status.AGREED and "Adopt" in d.title for d in tagged)
    assert not Decision.objects.filter(alliance=demo, amends__in=tagged).exists()
    # The conclusion names the failure and links to the matter; the log's revisits show the re-discussion.
    conclude = Decision.objects.get(alliance=demo, title__startswith="Conclude the alliance")
    assert again in conclude.revisits.all() and "operating manual was never finalised" in conclude.rationale
    assert {manual, interim, again, conclude} <= _matter(manual)


def test_missed_redesign_milestones_extend_contracts(demo):
    extensions = [d for d in Decision.objects.filter(alliance=demo) if "contract-extension" in d.tags]
    assert len(extensions) == 2 and all(d.status == Decision.Status.AGREED for d in extensions)
    for extension in extensions:
        revisited = extension.revisits.all()
        assert any("redesign" in d.tags and d.title.startswith("Outreach redesign") for d in revisited), extension
    first, second = sorted(extensions, key=lambda d: d.decided_on)
    assert first.decided_on == date(2021, 5, 19)
    assert first.revisits.filter(status=Decision.Status.NOT_AGREED).exists()  # the missed July start
    assert first in second.revisits.all()
    # The second is recorded through the contracts: an award that extends the outreach contract.
    process = AwardProcess.objects.get(alliance=demo, approval_decision=second)
    contract = process.resulting_contract
    assert contract.awarded_through.title == "Flexible community outreach redesign"
    assert (contract.starts_on, contract.ends_on) == (date(2021, 10, 1), date(2025, 3, 31))
    # On the oversight dashboard the extensions are part of the outreach matter, decided again and again.
    outreach = matters_decided_more_than_once(demo)[0]
    assert "redesign" in outreach["tags"] and {first, second} <= set(outreach["decisions"])
    assert not any("operating-manual" in d.tags for d in outreach["decisions"])  # the manual was never decided
    terms = list(contract.terms.order_by("starts_on").values_list("ends_on", "awarded_through"))
    assert terms == [(date(2024, 9, 30), contract.awarded_through_id), (date(2025, 3, 31), process.pk)]


def test_advice_left_unanswered_at_the_close_is_answered_weeks_later(demo):
    decision = Decision.objects.get(alliance=demo, title="Fund the Northgate housing-first expansion")
    assert decision.kind == "KEY" and decision.status == Decision.Status.AGREED
    advice = decision.advisory_inputs.get(organisation__short_name="Voices")
    assert advice.response == "" and advice.responded_at is None  # the sealed record: no answer when it closed
    late = advice.responses.get()
    assert late.responded_at > decision.closed_at
    assert (late.responded_at.date() - decision.decided_on).days >= 28
    assert late.history.get().history_change_reason == "Responded to advice after the decision closed"


def test_budgets_beyond_the_alts_limit_wait_for_the_ijb_then_take_effect(demo):
    budgets = Decision.objects.filter(alliance=demo, title__endswith="alliance budget").order_by("decided_on")
    assert budgets.count() == 3
    for decision in budgets:
        statuses = list(decision.history.order_by("history_date").values_list("status", flat=True))
        waited = statuses.index(Decision.Status.AWAITING_APPROVAL)
        assert Decision.Status.AGREED in statuses[waited:], decision.title
        assert decision.approval.given_on > decision.decided_on, decision.title
        assert decision.approval_from.code == "IJB"
    minutes = demo.bodies.get(code="ALT").meetings.get(starts_at__date=date(2020, 12, 9)).minutes
    assert "sent to the IJB for its approval" in minutes


def test_demo_has_the_next_alt_meetings_published_agenda(demo, client):
    from decisions.models import AgendaItem, Meeting

    meeting = Meeting.objects.get(body__alliance=demo, title="ALT October 2023")
    assert meeting.agenda_published_at is not None
    items = list(meeting.agenda_items.order_by("position"))
    assert {i.purpose for i in items} == set(AgendaItem.Purpose.values)
    assert [i.position for i in items] == list(range(1, len(items) + 1))
    changed = [i for i in items if i.changed_after_publishing_at]
    assert len(changed) == 1 and changed[0].award_process.title == "Winter night shelter 2023/24"
    assert any(i.decision_id for i in items)
    client.force_login(get_user_model().objects.get(username="viewer"))
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Changed after publishing" in page and "What the alliance never agreed" in page


def test_each_demo_logins_home_lists_what_needs_it(demo):
    expected = {
        "member": {"positions": "Agree the letter", "actions": "Send the secretary the list"},
        "secretary": {"drafts": "Fix the date", "overdue_decisions": "Agree the letter", "minutes": "ALT"},
        "oversight": {
            "awards_approved": "Winter night shelter 2023/24",
            "oversight_queries": "OQ-2023-001: Performance information behind the outreach extension",
        },
    }
    for username, sections in expected.items():
        access = access_for(get_user_model().objects.get(username=username))
        now = timezone.now()
        since = record_home_visit(actor=access, now=now)
        (group,) = home_for(HomeContext(access=access, now=now, since=since))
        shown = {s["key"]: " ".join(i.text for i in s["items"]) for s in group["sections"]}
        for key, text in sections.items():
            assert text in shown[key], (username, key, shown.get(key))


def test_the_demo_files_papers_with_their_checksums(demo):
    """Papers on the decision still open and the award approved in the demo's week: real PDFs whose
    stored bytes match the SHA-256 recorded, one with a second version; loading again adds none."""
    papers = Document.objects.filter(alliance=demo)
    assert {p.kind for p in papers} >= {"paper", "bid", "evaluation_report"}
    assert DocumentVersion.objects.filter(document__alliance=demo, number=2).exists()
    for version in DocumentVersion.objects.filter(document__alliance=demo):
        with documents.open_version(version) as handle:
            content = handle.read()
        assert hashlib.sha256(content).hexdigest() == version.sha256
        if version.document.kind != Document.Kind.MINUTES:  # signed-off minutes are made by the product itself
            assert content.startswith(b"%PDF-") and version.uploaded_by.username == "secretary"
    # The next ALT meeting's agenda carries papers, so its board pack merges them.
    assert papers.filter(owner_type__model="agendaitem").count() == 2
    before = rows(Document, DocumentVersion)
    call_command("load_demo", stdout=StringIO())
    assert rows(Document, DocumentVersion) == before


def test_the_oversight_groups_note_on_suspected_leakage_and_its_reads_are_in_the_read_log(demo, client):
    """The review's "suspected leakage": the Oversight Group's own note on the winter shelter award;
    reading it (a confidential read) is logged, and the log shows who read it."""
    from alliance.models import ReadLogEntry
    from contracts.models import OversightNote

    note = OversightNote.objects.get(alliance=demo)
    assert "suspect leakage" in note.text and note.award_process.title == "Winter night shelter 2023/24"
    client.force_login(get_user_model().objects.get(username="oversight"))
    assert client.get("/alliances/dunmarrow/oversight/notes/").status_code == 200
    entry = ReadLogEntry.objects.filter(alliance=demo, object_model="contracts.oversightnote").get()
    assert entry.username == "oversight" and entry.rows == 1
    page = client.get("/alliances/dunmarrow/read-log/").content.decode()
    assert "/alliances/dunmarrow/oversight/notes/" in page


# The issue's search examples, on the demo: the search page, /api/v1/search/, the decision log and the API's
# ?q= find them alike (alliance.search), and the index the demo built matches its records.
SEARCH_EXAMPLES = [
    ("night hub", "Approve the winter pressures fund allocation"),  # by its tag only
    ("night hub", "Outreach redesign: a single team with a night-time hub"),
    ("Priya", "Refurbish the night hub kitchen"),  # "Under delegation, by Priya Raman"
    ("budget 2023", "Set the 2023/24 alliance budget"),
    ("budgte", "Set the 2023/24 alliance budget"),
    ("outrech", "Outreach redesign: a single team with a night-time hub"),
    ("hubs", "Refurbish the night hub kitchen"),
]


def test_the_demos_search_index_matches_its_records(demo):
    from alliance.search import check_index

    assert check_index() == []


@pytest.mark.parametrize(("typed", "title"), SEARCH_EXAMPLES)
def test_the_search_finds_the_issues_examples_in_the_demo(demo, client, typed, title):
    from tests.helpers import token_client

    viewer = get_user_model().objects.get(username="viewer")
    client.force_login(viewer)
    decision = Decision.objects.get(alliance=demo, title=title)
    page = client.get("/alliances/dunmarrow/search/", {"q": typed})
    assert decision.get_absolute_url() in page.content.decode()
    log = client.get("/alliances/dunmarrow/decisions/", {"q": typed}).context["page"].object_list
    assert decision.pk in [row["pk"] for row in log]  # the log's rows are read as values (issue 23)
    api = token_client(viewer)
    found = api.get("/api/v1/search/", {"q": typed, "alliance": "dunmarrow", "kind": "decision"}).json()["results"]
    assert decision.pk in [r["id"] for r in found]
    assert decision.pk in [
        d["id"] for d in api.get("/api/v1/decisions/", {"q": typed, "page_size": 200}).json()["results"]
    ]


def test_the_public_register_search_finds_the_demos_public_records_only(demo, client):
    from roles.access import access_for

    budget = Decision.objects.get(alliance=demo, title="Set the 2023/24 alliance budget")
    page = client.get("/public/dunmarrow/search/", {"q": "budget 2023"}).content.decode()
    assert budget.visibility == "PUBLIC" and f"/public/dunmarrow/decisions/{budget.pk}/" in page
    shown = {int(pk) for pk in re.findall(r"/public/dunmarrow/decisions/(\d+)/", client.get(
        "/public/dunmarrow/search/", {"q": "hub"}).content.decode())}  # fmt: skip
    published = set(Decision.objects.restrict(access_for(None)).values_list("pk", flat=True))
    assert shown and shown <= published
    assert Decision.objects.filter(alliance=demo, title__icontains="hub").exclude(pk__in=published).exists()
