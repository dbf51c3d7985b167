"""The demo's delivery plan tells the review's story: the outreach redesign's milestones slipping (amber
then red, with reasons, set by the secretary), targets moved by the decisions that extended the contracts,
and the contracts waiting on it; and oversight's question "what was to be delivered by when, and what
slipped" answered from it (contracts.queries_delivery.delivered_and_slipped)."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from alliance.access import Access
from alliance.models import Alliance
from contracts.delivery_models import Workstream
from contracts.queries_delivery import delivered_and_slipped

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-delivery")]
STAFF = Access(authenticated=True, staff=True)
ANONYMOUS = Access()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=StringIO())
        yield Alliance.objects.get(slug="dunmarrow")
        transaction.set_rollback(True)


def test_the_outreach_redesign_is_adopted_with_its_milestones(demo):
    workstream = Workstream.objects.get(alliance=demo, title="Outreach redesign")
    assert workstream.status == "active"
    assert workstream.adopted_by.title.startswith("Outreach redesign: approve the discovery phase")
    assert workstream.owner_role.kind == "director"
    assert workstream.milestones.count() == 5


def test_the_single_team_went_amber_then_red_and_its_target_moved_by_the_extension(demo):
    single = Workstream.objects.get(alliance=demo).milestones.get(title="Single outreach team in place")
    statuses = [h.rag for h in single.history.order_by("history_date", "history_id")]
    assert statuses.index("amber") < statuses.index("red") < statuses.index("complete")
    assert single.target_changed_by.title.startswith("Extend the four current outreach contracts")
    assert (single.baseline_target_on, single.actual_on) == (date(2021, 7, 1), date(2021, 10, 1))
    assert single.slippage_days(date(2030, 1, 1)) == 92
    assert all(h.rag_reason for h in single.history.all() if h.rag in ("amber", "red"))
    assert single.rag_set_by.username == "secretary"


def test_the_recommissioning_is_red_and_the_contracts_wait_on_it(demo):
    workstream = Workstream.objects.get(alliance=demo)
    recommission = workstream.milestones.get(title__startswith="Next outreach service")
    assert recommission.rag == "red" and "extend" in recommission.rag_reason
    assert recommission.target_on > recommission.baseline_target_on
    contracts = [link.contract for link in workstream.dependent_contracts.all()]
    assert contracts and all(c.service_category == "flexible_community_outreach" for c in contracts)


def test_what_was_to_be_delivered_and_what_slipped(demo):
    answer = delivered_and_slipped(demo, STAFF, date(2024, 1, 1))
    (workstream,) = answer["workstreams"]
    assert workstream["title"] == "Outreach redesign"
    by_title = {m["title"]: m for m in workstream["milestones"]}
    assert by_title["Discovery phase complete"]["slipped"] is False
    assert by_title["Single outreach team in place"]["slippage_days"] == 92
    assert by_title["Outreach evaluation commissioned"]["past_due"] is True
    assert answer["totals"] == {"milestones": 5, "achieved": 3, "slipped": 4, "past_due": 1, "red": 2, "amber": 0}


def test_the_answer_holds_only_what_the_reader_may_read(demo):
    assert delivered_and_slipped(demo, ANONYMOUS, date(2024, 1, 1))["totals"]["milestones"] in (0, 5)
