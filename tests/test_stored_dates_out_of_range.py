"""No single bad row makes a page or a feed fail (issue "trust").

The services refuse dates outside the alliance agreement's term (alliance/term.py), but a row may
still carry one: written before the rule, by a migration, or behind the application's back. Here the
permission matrix's scene gets such rows with ``.update()`` (year 9999 and year 1, at the edges of
what Python's dates hold), and every page, feed and export of the matrix must still answer, for
every standing, without a 5xx.
"""

from datetime import UTC, date, datetime

import pytest
from django.db import transaction

from alliance.bulk_guard import history_written_by_caller
from alliance.models import Alliance, ForwardPlanEntry
from contracts.models import AwardProcess, Contract
from decisions.models import ActionItem, Decision, Meeting
from roles.models import RoleAssignment
from tests import test_permission_matrix as matrix
from tests.helpers import expected_without_pdf
from tests.test_permission_matrix import ROWS, call

world = matrix.world  # the matrix's scene and signed-in clients, one for the module

pytestmark = pytest.mark.django_db

LAST_DAY = date(9999, 12, 31)
FIRST_DAY = date(1, 1, 1)
LAST_MOMENT = datetime(9999, 12, 31, 23, 30, tzinfo=UTC)
FIRST_MOMENT = datetime(1, 1, 1, 0, 30, tzinfo=UTC)
STANDINGS = ["anonymous", "viewer", "representative", "staff"]


@pytest.fixture(scope="module")
def bad_rows(world, django_db_blocker):
    ids = world.ids
    # Behind the application's back: no service, no history row (the audit chain would notice).
    with django_db_blocker.unblock(), transaction.atomic(), history_written_by_caller():
        Meeting.objects.filter(pk=ids["meeting"]).update(starts_at=LAST_MOMENT)
        Meeting.objects.create(body_id=ids["body"], title="Year one", starts_at=FIRST_MOMENT, location="Nowhere")
        Decision.objects.filter(pk=ids["members"]).update(review_on=LAST_DAY, closes_at=LAST_MOMENT)
        Decision.objects.filter(pk=ids["public"]).update(
            decided_on=FIRST_DAY, review_on=FIRST_DAY, closes_at=FIRST_MOMENT, opened_at=FIRST_MOMENT
        )
        Decision.objects.filter(pk=ids["draft"]).update(review_on=LAST_DAY, closes_at=LAST_MOMENT)
        ActionItem.objects.filter(pk=ids["action"]).update(due_on=LAST_DAY)
        RoleAssignment.objects.filter(pk=ids["assignment"]).update(ends_on=LAST_DAY)
        AwardProcess.objects.filter(pk=ids["award"]).update(started_on=LAST_DAY)
        ForwardPlanEntry.objects.create(
            alliance=Alliance.objects.get(slug=ids["slug"]),
            title="Far plan",
            kind="KEY",
            expected_on=LAST_DAY,
            published=True,
        )
        Contract.objects.filter(pk=ids["contract"]).update(starts_on=FIRST_DAY, ends_on=LAST_DAY, extension_until=None)
    return world


def reads() -> list[tuple[str, dict]]:
    return [(path, expected) for method, path, body, expected in ROWS if method == "GET"]


READS = reads()


@pytest.mark.parametrize("standing", STANDINGS)
@pytest.mark.parametrize(("path", "expected"), READS, ids=[p for p, _ in READS])
def test_every_page_and_feed_answers_with_a_date_out_of_range_stored(bad_rows, path, expected, standing):
    response = call(bad_rows, standing, "GET", path, "-")
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    assert response.status_code == expected_without_pdf(path, expected[standing]), getattr(response, "content", b"")[
        :300
    ]


def test_the_calendar_feed_still_lists_the_far_meeting_and_plan(bad_rows):
    response = call(bad_rows, "anonymous", "GET", "/public/{slug}/calendar.ics", "-")
    assert response.status_code == 200
    feed = response.content.decode()
    assert "DTSTART:99991231T233000Z" in feed
    assert "Planned decision: Far plan" in feed


def test_the_budget_keeps_to_the_registers_century(bad_rows):
    from contracts.queries import budget_by_year

    years = [row["financial_year"] for row in budget_by_year(Alliance.objects.get(slug=bad_rows.ids["slug"]))]
    assert (years[0], years[-1]) == (2000, 2099)
