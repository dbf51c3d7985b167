"""The minutes on the meeting page and its forms: each item's minute, actions, circulating, drafting the approval at
the next meeting, approving (sealed) and the printable minutes."""

from datetime import UTC, date, datetime

import pytest

from alliance.document_models import Document
from decisions import services
from decisions.models import ActionItem, AgendaItem, Decision, Meeting
from roles.standing import SYSTEM
from tests.factories import (
    DecisionFactory,
    MeetingFactory,
    MinutesItemFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
)
from tests.helpers import rows, viewer_of

pytestmark = pytest.mark.django_db

HELD_AT = datetime(2021, 3, 4, 10, 0, tzinfo=UTC)
NEXT_AT = datetime(2021, 4, 1, 10, 0, tzinfo=UTC)


@pytest.fixture
def held(scene):
    return MeetingFactory(body=scene.body, starts_at=HELD_AT, title="ALT March meeting", status=Meeting.Status.HELD)


@pytest.fixture
def item(held):
    return MinutesItemFactory(meeting=held, position=1, title="Outreach redesign")


@pytest.fixture
def later(scene):
    return MeetingFactory(body=scene.body, starts_at=NEXT_AT, title="ALT April meeting")


@pytest.fixture
def reader(client, scene):
    client.force_login(viewer_of(scene.alliance))
    return client


def url(meeting, tail=""):
    return f"/alliances/dunmarrow/meetings/{meeting.pk}/{tail}"


def _approve(held, item, scene):
    services.record_item_minute(actor=SYSTEM, item=item, discussion="Agreed to redesign outreach.")
    decision = DecisionFactory(
        body=scene.body, status="AGREED", reference="ALT-2021-004", decided_on=date(2021, 4, 1), kind="PROCEDURAL"
    )
    return services.approve_minutes(actor=SYSTEM, meeting=held, decision=decision)


def test_the_secretary_writes_an_items_minute_on_the_meeting_page(secretary, held, item):
    page = secretary.get(url(held)).content.decode()
    assert f'href="{url(held, f"items/{item.pk}/minute/")}"' in page
    response = secretary.post(url(held, f"items/{item.pk}/minute/"), {"discussion": "Agreed to redesign outreach."})
    assert response.status_code == 302
    assert response.url.endswith(f"#item-minute-{item.pk}")
    assert AgendaItem.objects.get(pk=item.pk).discussion == "Agreed to redesign outreach."
    assert "Agreed to redesign outreach." in secretary.get(url(held)).content.decode()


def test_an_empty_minute_is_a_form_error(secretary, held, item):
    before = rows(AgendaItem, Meeting)
    response = secretary.post(url(held, f"items/{item.pk}/minute/"), {"discussion": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert rows(AgendaItem, Meeting) == before


def test_a_reader_cannot_write_a_minute(reader, held, item):
    assert reader.get(url(held, f"items/{item.pk}/minute/")).status_code == 403
    assert reader.post(url(held, f"items/{item.pk}/minute/"), {"discussion": "Text"}).status_code == 403
    assert AgendaItem.objects.get(pk=item.pk).discussion == ""


def test_a_sealed_minute_is_refused_on_the_form(secretary, scene, held, item):
    _approve(held, item, scene)
    before = rows(AgendaItem)
    response = secretary.post(url(held, f"items/{item.pk}/minute/"), {"discussion": "Late change"})
    assert response.status_code == 200
    assert "were approved by ALT-2021-004" in response.content.decode()
    assert rows(AgendaItem) == before


def test_an_action_is_added_under_an_item_from_the_meeting_page(secretary, scene, held, item):
    owner = PersonFactory(name="Priya Owner")
    RoleAssignmentFactory(role=RoleFactory(alliance=scene.alliance), person=owner)
    form = secretary.get(url(held, f"actions/?item={item.pk}")).content.decode()
    assert f'<option value="{item.pk}" selected>' in form
    response = secretary.post(
        url(held, "actions/"),
        {"agenda_item": item.pk, "title": "Draft the specification", "due_on": "2021-04-30", "owner_person": owner.pk},
    )
    assert response.status_code == 302
    action = ActionItem.objects.get()
    assert (action.meeting, action.agenda_item, action.decision) == (held, item, None)
    page = secretary.get(url(held)).content.decode()
    assert "Draft the specification" in page and "Priya Owner" in page


def test_an_action_due_before_the_meeting_is_a_form_error(secretary, scene, held, item):
    owner = PersonFactory()
    RoleAssignmentFactory(role=RoleFactory(alliance=scene.alliance), person=owner)
    response = secretary.post(
        url(held, "actions/"), {"title": "Report", "due_on": "2021-03-01", "owner_person": owner.pk}
    )
    assert response.status_code == 200
    assert "before the meeting that agreed it" in response.content.decode()
    assert not ActionItem.objects.exists()


def test_circulating_from_the_meeting_page(secretary, held, item):
    services.record_item_minute(actor=SYSTEM, item=item, discussion="Agreed.")
    assert secretary.post(url(held, "minutes/circulate/"), {}).status_code == 302
    assert Meeting.objects.get(pk=held.pk).minutes_stage == "circulated"
    again = secretary.post(url(held, "minutes/circulate/"), {})
    assert again.status_code == 200
    assert "has not changed since" in again.content.decode()
    assert Meeting.objects.get(pk=held.pk).minutes_circulations == 1


def test_the_next_meeting_offers_to_draft_the_approval(secretary, held, item, later):
    services.record_item_minute(actor=SYSTEM, item=item, discussion="Agreed.")
    page = secretary.get(url(later)).content.decode()
    assert "Draft the approval of these minutes" in page
    response = secretary.post(url(later, "minutes/draft-approval/"), {"minutes_of": held.pk})
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.kind, decision.meeting, decision.status) == ("PROCEDURAL", later, "DRAFT")
    assert response.url == decision.get_absolute_url()
    again = secretary.post(url(later, "minutes/draft-approval/"), {"minutes_of": held.pk})
    assert again.status_code == 200
    assert "already drafted" in again.content.decode()
    assert Decision.objects.count() == 1


def test_only_procedural_decisions_are_offered_to_approve(secretary, scene, held, item):
    services.record_item_minute(actor=SYSTEM, item=item, discussion="Agreed.")
    key = DecisionFactory(body=scene.body, status="AGREED", reference="ALT-2021-005", decided_on=date(2021, 4, 1))
    form = secretary.get(url(held, "approve-minutes/")).content.decode()
    assert "ALT-2021-005" not in form
    response = secretary.post(url(held, "approve-minutes/"), {"decision": key.pk})
    assert response.status_code == 200
    assert Meeting.objects.get(pk=held.pk).minutes_approved_by is None


def test_approving_on_the_form_seals_and_keeps_the_signed_off_copy(secretary, scene, held, item):
    services.record_item_minute(actor=SYSTEM, item=item, discussion="Agreed.")
    decision = DecisionFactory(
        body=scene.body, status="AGREED", reference="ALT-2021-004", decided_on=date(2021, 4, 1), kind="PROCEDURAL"
    )
    assert secretary.post(url(held, "approve-minutes/"), {"decision": decision.pk}).status_code == 302
    version = Document.objects.get(kind="minutes").versions.get()
    page = secretary.get(url(held)).content.decode()
    assert "sealed" in page
    assert version.sha256[:16] in page
    assert f'href="{url(held, f"items/{item.pk}/minute/")}"' not in page


def test_the_printable_minutes(reader, scene, held, item):
    services.record_attendance(
        actor=SYSTEM,
        meeting=held,
        person=scene.reps[0],
        capacity="voting_representative",
        organisation=scene.members[0].organisation,
    )
    services.record_attendance(
        actor=SYSTEM,
        meeting=held,
        person=scene.reps[1],
        capacity="voting_representative",
        organisation=scene.members[1].organisation,
        present=False,
    )
    page = reader.get(url(held, "minutes/print/")).content.decode()
    assert "Draft</strong>: not yet circulated" in page
    _approve(held, item, scene)
    page = reader.get(url(held, "minutes/print/")).content.decode()
    version = Document.objects.get(kind="minutes").versions.get()
    assert "Rep of Harbour Light Housing" in page
    assert "<strong>Apologies:</strong> Rep of Second Step Trust" in page
    assert "1. Outreach redesign" in page and "Agreed to redesign outreach." in page
    assert "Approved by" in page and "ALT-2021-004" in page
    assert version.sha256 in page


def test_the_printable_minutes_read_in_a_fixed_number_of_queries(reader, scene, held, django_assert_max_num_queries):
    owner = PersonFactory()
    RoleAssignmentFactory(role=RoleFactory(alliance=scene.alliance), person=owner)
    for position in range(1, 16):
        item = MinutesItemFactory(meeting=held, position=position, discussion=f"Minute {position}")
        ActionItem.objects.create(
            meeting=held, agenda_item=item, title=f"Action {position}", due_on=date(2021, 5, 1), owner_person=owner
        )
        DecisionFactory(body=scene.body, meeting=held, status="AGREED", reference=f"ALT-2021-{position:03}")
    with django_assert_max_num_queries(30):
        page = reader.get(url(held, "minutes/print/"))
    assert page.status_code == 200
    assert "Action 15" in page.content.decode()
