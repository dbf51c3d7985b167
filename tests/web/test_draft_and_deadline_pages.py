"""The draft form saves the first time or says what it wants; a draft is edited on the same form; a
scheduled meeting is changed on a form; a written procedure past its deadline says so, and the secretary
is prompted to close it."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from decisions import services
from decisions.models import Decision, Meeting
from roles.standing import SYSTEM
from tests.factories import MeetingFactory
from tests.helpers import rows, viewer_of
from tests.scenes import CLOSED, DECISION_ROWS

pytestmark = pytest.mark.django_db

NEW = "/alliances/dunmarrow/decisions/new/"


@pytest.fixture
def reader(client, scene):
    client.force_login(viewer_of(scene.alliance))
    return client


def local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def form_data(scene, **fields):
    data = {"body": scene.body.pk, "title": "Open a night-time hub", "proposal": "That the alliance opens a hub.",
            "kind": "KEY", "visibility": "MEMBERS", "tags": "night hub", "save": "1"}  # fmt: skip
    return {**data, **fields}


def errors(response, field):
    assert response.status_code == 200, response.status_code
    return " ".join(response.context["form"].errors.get(field, []))


# "Save draft"


def test_save_draft_saves_the_first_time_when_nothing_earlier_matches(secretary, scene):
    response = secretary.post(NEW, form_data(scene, closes_at=local(timezone.now() + timedelta(days=7))))
    assert response.status_code == 302
    assert Decision.objects.filter(title="Open a night-time hub", status="DRAFT").exists()


def test_first_save_draft_with_earlier_decisions_says_plainly_it_did_not_save(secretary, scene):
    earlier = services.close_decision(actor=SYSTEM, decision=scene.open(tags=["night hub"]), closed_at=CLOSED)
    before = rows(*DECISION_ROWS)
    response = secretary.post(NEW, form_data(scene))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Not saved yet: 1 earlier decision on the same matter is listed" in content
    assert "then press “Save draft” again" in content
    assert earlier.reference in content
    assert rows(*DECISION_ROWS) == before
    response = secretary.post(NEW, form_data(scene, checked="1", revisits=[earlier.pk]))
    assert response.status_code == 302
    assert list(Decision.objects.get(title="Open a night-time hub").revisits.all()) == [earlier]


def test_checking_for_earlier_decisions_does_not_claim_a_failed_save(secretary, scene):
    services.close_decision(actor=SYSTEM, decision=scene.open(tags=["night hub"]), closed_at=CLOSED)
    data = form_data(scene, check="1")
    del data["save"]
    assert "Not saved yet" not in secretary.post(NEW, data).content.decode()


def test_drafting_with_votes_closing_in_the_past_is_refused_in_the_forms_words(secretary, scene):
    before = rows(*DECISION_ROWS)
    response = secretary.post(NEW, form_data(scene, closes_at="2021-03-10T17:00"))
    message = errors(response, "closes_at")
    assert message.startswith("“Closes at” (17:00 on 10/03/2021) is in the past")
    assert "closes_at" not in message
    assert rows(*DECISION_ROWS) == before


def test_drafting_with_a_review_before_the_decision_is_refused(secretary, scene):
    closes = timezone.now() + timedelta(days=20)
    before = rows(*DECISION_ROWS)
    review = (timezone.localdate(closes) - timedelta(days=2)).isoformat()
    response = secretary.post(NEW, form_data(scene, closes_at=local(closes), review_on=review))
    assert errors(response, "review_on").startswith("“Review on” (")
    assert rows(*DECISION_ROWS) == before


def test_the_form_labels_are_the_ones_the_messages_quote(secretary, scene):
    form = secretary.get(NEW).context["form"]
    assert (form["closes_at"].label, form["review_on"].label) == ("Closes at", "Review on")


# Editing a draft


def test_secretary_fixes_a_drafts_closing_moment_and_opens_it(secretary, scene):
    stale = scene.draft()  # votes closing on 10/03/2021: it could not be opened
    url = f"/alliances/dunmarrow/decisions/{stale.pk}/edit/"
    page = secretary.get(url)
    assert page.context["form"].initial["title"] == "Adopt the outreach redesign"
    assert "status-draft" in secretary.get(stale.get_absolute_url()).content.decode()
    assert url in secretary.get(stale.get_absolute_url()).content.decode()
    data = {"title": "Adopt the outreach redesign", "proposal": stale.proposal, "kind": "KEY", "visibility": "MEMBERS",
            "tags": "outreach", "closes_at": local(timezone.now() + timedelta(days=7))}  # fmt: skip
    response = secretary.post(url, data)
    assert response.status_code == 302
    stale.refresh_from_db()
    assert stale.closes_at > timezone.now()
    assert stale.history.first().history_change_reason == "Edited"
    assert secretary.post(f"/alliances/dunmarrow/decisions/{stale.pk}/open/").status_code == 302


def test_editing_into_the_past_is_refused_on_the_form(secretary, scene):
    decision = scene.draft(closes_at=timezone.now() + timedelta(days=7))
    before = rows(*DECISION_ROWS)
    data = {"title": decision.title, "proposal": decision.proposal, "kind": "KEY", "visibility": "MEMBERS",
            "closes_at": "2021-01-01T10:00"}  # fmt: skip
    response = secretary.post(f"/alliances/dunmarrow/decisions/{decision.pk}/edit/", data)
    assert "“Closes at”" in errors(response, "closes_at")
    assert rows(*DECISION_ROWS) == before


def test_a_closed_decision_cannot_be_edited(secretary, scene):
    closed = services.close_decision(actor=SYSTEM, decision=scene.open(), closed_at=CLOSED)
    data = {"title": "Rewritten", "proposal": "P", "kind": "KEY", "visibility": "MEMBERS"}
    response = secretary.post(f"/alliances/dunmarrow/decisions/{closed.pk}/edit/", data)
    assert "amends or supersedes" in " ".join(response.context["form"].non_field_errors())
    assert f"/decisions/{closed.pk}/edit/" not in secretary.get(closed.get_absolute_url()).content.decode()


def test_a_reader_cannot_edit(reader, scene):
    decision = scene.draft()
    assert reader.get(f"/alliances/dunmarrow/decisions/{decision.pk}/edit/").status_code == 403


# Changing a scheduled meeting


def test_secretary_moves_a_scheduled_meeting(secretary, scene):
    meeting = MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 12, 10, tzinfo=UTC), title="ALT March")
    url = f"/alliances/dunmarrow/meetings/{meeting.pk}/edit/"
    assert url in secretary.get(meeting.get_absolute_url()).content.decode()
    response = secretary.post(url, {"starts_at": "2021-03-19T10:00", "title": "ALT March", "location": "Wellgate"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (timezone.localtime(meeting.starts_at).day, meeting.location) == (19, "Wellgate")


def test_moving_onto_another_meeting_is_refused_on_the_form(secretary, scene):
    meeting = MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 12, 10, tzinfo=UTC), title="ALT March")
    other = MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 19, 10, tzinfo=UTC), title="ALT extra")
    before = rows(Meeting)
    response = secretary.post(
        f"/alliances/dunmarrow/meetings/{meeting.pk}/edit/", {"starts_at": "2021-03-19T10:00", "location": "Hall"}
    )
    assert f"/alliances/dunmarrow/meetings/{other.pk}/" in errors(response, "starts_at")
    assert rows(Meeting) == before


def test_a_held_meeting_is_not_offered_for_change(secretary, scene):
    meeting = MeetingFactory(body=scene.body, starts_at=datetime(2021, 3, 12, 10, tzinfo=UTC))
    services.mark_meeting_held(actor=SYSTEM, meeting=meeting)
    assert "/edit/" not in secretary.get(meeting.get_absolute_url()).content.decode()
    response = secretary.post(
        f"/alliances/dunmarrow/meetings/{meeting.pk}/edit/", {"starts_at": "2021-03-19T10:00", "location": "Hall"}
    )
    assert "only a scheduled meeting can be changed" in errors(response, "__all__")


# A written procedure past its deadline


WAITING = "Voting closed on 10/03/2021: waiting for the secretary to record the outcome"


def test_decision_page_says_voting_closed_not_open_for_votes(reader, scene):
    decision = scene.open()
    content = reader.get(decision.get_absolute_url()).content.decode()
    lead = re.search(r'<p class="lead">(.*?)</p>', content, re.S).group(1)
    assert WAITING in lead
    assert "Open for votes" not in lead  # the history below still shows the status it changed to
    assert "Close and record the outcome" not in content


def test_secretary_is_prompted_to_close_on_the_decision_page_and_the_log(secretary, scene):
    decision = scene.open()
    close = f"/alliances/dunmarrow/decisions/{decision.pk}/close/"
    page = secretary.get(decision.get_absolute_url()).content.decode()
    assert "Voting closed on 10/03/2021." in page and close in page
    log = secretary.get("/alliances/dunmarrow/decisions/").content.decode()
    assert "Waiting for you to record the outcome" in log and close in log
    assert WAITING in log


def test_a_reader_is_not_prompted_on_the_log(reader, scene):
    scene.open()
    assert "Waiting for you to record the outcome" not in reader.get("/alliances/dunmarrow/decisions/").content.decode()


def test_an_open_procedure_before_its_deadline_is_open_for_votes(secretary, scene):
    decision = services.open_decision(actor=SYSTEM, decision=scene.draft(closes_at=timezone.now() + timedelta(days=3)))
    content = secretary.get(decision.get_absolute_url()).content.decode()
    assert "Open for votes" in content and "Voting closed on" not in content
