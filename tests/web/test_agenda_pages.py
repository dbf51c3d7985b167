"""The agenda on the meeting page, the secretary's agenda forms, moving in place with htmx, the printable agenda."""

from datetime import timedelta

import pytest
from django.utils import timezone

from decisions import services
from decisions.models import AgendaItem, Decision, Meeting
from roles.standing import SYSTEM
from tests.factories import DecisionFactory, MeetingFactory
from tests.helpers import rows, viewer_of

pytestmark = pytest.mark.django_db

ROWS = (AgendaItem, Meeting)


@pytest.fixture
def meeting(scene):
    # Far enough ahead that publishing today is on time.
    starts = timezone.now().replace(microsecond=0) + timedelta(days=30)
    return MeetingFactory(body=scene.body, starts_at=starts, title="ALT meeting")


@pytest.fixture
def reader(client, scene):
    client.force_login(viewer_of(scene.alliance))
    return client


def url(meeting, tail=""):
    return f"/alliances/dunmarrow/meetings/{meeting.pk}/{tail}"


def add(meeting, title, **kwargs):
    return services.add_agenda_item(actor=SYSTEM, meeting=meeting, title=title, **kwargs)


def test_the_meeting_page_numbers_the_items_with_their_running_start_times(reader, meeting, scene):
    decision = scene.draft(title="Adopt the outreach redesign")
    add(meeting, "Apologies", duration_minutes=10, purpose="information")
    add(
        meeting,
        "Outreach redesign",
        duration_minutes=30,
        purpose="decision",
        decision=decision,
        presenter=scene.reps[0],
    )
    content = reader.get(url(meeting)).content.decode()
    start = timezone.localtime(meeting.starts_at)
    assert "1.</span>" in content and "2.</span>" in content
    assert (start + timedelta(minutes=10)).strftime("%H:%M") in content
    assert "For decision" in content and "presented by Rep of Harbour Light Housing" in content
    assert f"/alliances/dunmarrow/decisions/{decision.pk}/" in content
    assert "Add an agenda item" not in content  # a reader builds nothing


def test_a_decision_the_reader_may_not_read_is_not_named(reader, meeting, scene):
    hidden = DecisionFactory(
        body=scene.body, title="Confidential settlement", visibility=Decision.Visibility.CONFIDENTIAL
    )
    add(meeting, "Settlement", decision=hidden)
    content = reader.get(url(meeting)).content.decode()
    assert "Confidential settlement" not in content
    assert "Brings a decision you may not read." in content


def test_the_secretary_adds_an_item_through_the_form(secretary, meeting):
    response = secretary.post(
        url(meeting, "agenda/add/"), {"title": "Budget report", "purpose": "information", "duration_minutes": "15"}
    )
    assert response.status_code == 302
    assert AgendaItem.objects.get(meeting=meeting).title == "Budget report"


def test_a_refused_item_is_a_form_error_and_writes_nothing(secretary, meeting, scene):
    sealed = DecisionFactory(
        body=scene.body, status=Decision.Status.AGREED, reference="ALT-2021-009", title="Sealed one"
    )
    before = rows(*ROWS)
    response = secretary.post(
        url(meeting, "agenda/add/"), {"title": "Again", "purpose": "decision", "decision": sealed.pk}
    )
    assert response.status_code == 200
    assert "for information only" in response.content.decode()
    assert rows(*ROWS) == before


def test_a_reader_may_not_open_the_agenda_forms(reader, meeting):
    item = add(meeting, "A")
    assert reader.get(url(meeting, "agenda/add/")).status_code == 403
    assert reader.post(url(meeting, f"agenda/{item.pk}/withdraw/"), {}).status_code == 403
    assert reader.post(url(meeting, "agenda/publish/"), {}).status_code == 403
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_moving_without_javascript_redirects_to_the_agenda(secretary, meeting):
    add(meeting, "A")
    b = add(meeting, "B")
    response = secretary.post(url(meeting, f"agenda/{b.pk}/move/"), {"direction": "up"})
    assert response.status_code == 302 and response["Location"].endswith("#agenda")
    assert AgendaItem.objects.get(pk=b.pk).position == 1


def test_moving_with_htmx_swaps_the_agenda_and_keeps_focus_on_the_moved_button(secretary, meeting):
    add(meeting, "A")
    b = add(meeting, "B")
    add(meeting, "C")
    response = secretary.post(url(meeting, f"agenda/{b.pk}/move/"), {"direction": "up"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 200
    assert 'id="agenda"' in content
    # B is first now: its "up" button is gone, so focus goes to its "down" button, which keeps its id.
    assert f'id="item-{b.pk}-down"' in content
    assert "autofocus" in content.split(f'id="item-{b.pk}-down"')[1].split(">")[0]


def test_a_refused_move_with_htmx_says_why_in_place(secretary, meeting):
    a = add(meeting, "A")
    before = rows(*ROWS)
    response = secretary.post(url(meeting, f"agenda/{a.pk}/move/"), {"direction": "up"}, HTTP_HX_REQUEST="true")
    assert "already first" in response.content.decode()
    assert rows(*ROWS) == before


def test_the_secretary_withdraws_before_publishing(secretary, meeting):
    a = add(meeting, "A")
    assert secretary.post(url(meeting, f"agenda/{a.pk}/withdraw/"), {}).status_code == 302
    assert not AgendaItem.objects.filter(pk=a.pk).exists()


def test_after_publishing_a_withdrawal_without_a_note_is_a_form_error(secretary, meeting):
    a = add(meeting, "A")
    services.publish_agenda(actor=SYSTEM, meeting=meeting)
    before = rows(*ROWS)
    response = secretary.post(url(meeting, f"agenda/{a.pk}/withdraw/"), {"change_note": ""})
    assert "members were already sent the agenda" in response.content.decode()
    assert rows(*ROWS) == before
    secretary.post(url(meeting, f"agenda/{a.pk}/withdraw/"), {"change_note": "Paper not ready."})
    assert AgendaItem.objects.get(pk=a.pk).status == AgendaItem.Status.WITHDRAWN
    content = secretary.get(url(meeting)).content.decode()
    assert "Changed after publishing" in content and "Paper not ready." in content


def test_the_secretary_changes_an_item(secretary, meeting):
    a = add(meeting, "A")
    response = secretary.post(url(meeting, f"agenda/{a.pk}/edit/"), {"title": "Apologies", "purpose": "information"})
    assert response.status_code == 302
    assert AgendaItem.objects.get(pk=a.pk).title == "Apologies"


def test_the_secretary_publishes_the_agenda(secretary, meeting):
    add(meeting, "A")
    page = secretary.get(url(meeting, "agenda/publish/")).content.decode()
    assert "On time" in page
    assert secretary.post(url(meeting, "agenda/publish/"), {}).status_code == 302
    meeting.refresh_from_db()
    assert meeting.agenda_published_at is not None


def test_a_late_publication_warns(secretary, scene):
    soon = MeetingFactory(body=scene.body, starts_at=timezone.now() + timedelta(days=1))
    add(soon, "A")
    response = secretary.post(url(soon, "agenda/publish/"), {}, follow=True)
    assert "Agenda published late" in response.content.decode()


def test_an_empty_agenda_is_not_published_from_the_form(secretary, meeting):
    before = rows(*ROWS)
    response = secretary.post(url(meeting, "agenda/publish/"), {})
    assert "add at least one item" in response.content.decode()
    assert rows(*ROWS) == before


def test_the_printable_agenda(reader, meeting):
    add(meeting, "Apologies")
    content = reader.get(url(meeting, "agenda/")).content.decode()
    assert "Agenda: Alliance Leadership Team" in content and "Apologies" in content
    assert "not yet published" in content


def test_the_meeting_page_query_count_is_fixed_whatever_the_agenda(
    reader, meeting, scene, django_assert_max_num_queries
):
    for n in range(3):
        add(meeting, f"Item {n}", decision=scene.draft(title=f"Decision {n}"))
    reader.get(url(meeting))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        reader.get(url(meeting))
    for n in range(3, 30):
        add(meeting, f"Item {n}", decision=scene.draft(title=f"Decision {n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert reader.get(url(meeting)).status_code == 200


def _file(item, title, content):
    from alliance import documents
    from tests.factories import upload

    return documents.file_document(
        actor=SYSTEM, owner=item, title=title, kind="paper", upload=upload(f"{title}.pdf", content)
    )


def test_each_item_lists_its_papers_with_their_checksums_and_the_secretary_files_more(secretary, meeting):
    from tests.factories import pdf_bytes

    first = add(meeting, "Outreach redesign", purpose="decision")
    add(meeting, "Any other business")
    paper = _file(first, "Options appraisal", pdf_bytes("Options appraisal"))
    version = paper.versions.get()
    content = secretary.get(url(meeting)).content.decode()
    assert "Options appraisal" in content and version.sha256[:12] in content
    assert version.get_absolute_url() in content
    assert f"/alliances/dunmarrow/papers/new/agendaitem/{first.pk}/" in content
    printable = secretary.get(url(meeting, "agenda/")).content.decode()
    assert "Options appraisal" in printable and version.sha256[:12] in printable


def test_a_reader_sees_the_papers_but_is_not_offered_to_file_one(reader, meeting):
    from tests.factories import pdf_bytes

    item = add(meeting, "Outreach redesign")
    _file(item, "Options appraisal", pdf_bytes("Options appraisal"))
    content = reader.get(url(meeting)).content.decode()
    assert "Options appraisal" in content
    assert "/papers/new/agendaitem/" not in content


def test_the_meeting_page_query_count_is_fixed_whatever_the_papers(reader, meeting, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import pdf_bytes

    item = add(meeting, "Item 0")
    _file(item, "Paper 0", pdf_bytes("Paper 0"))
    with CaptureQueriesContext(connection) as few:
        reader.get(url(meeting))
    for n in range(1, 12):
        more = add(meeting, f"Item {n}")
        _file(more, f"Paper {n}", pdf_bytes(f"Paper {n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert reader.get(url(meeting)).status_code == 200
