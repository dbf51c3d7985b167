"""The audit trail reads as English (issue 20, part 6): on its page, in the API beside the machine
values, in the CSV (both, with a byte-order mark) and in the Excel download; related records are
named and linked only where the reader may read them; "By user" finds people by name."""

import csv
import re
from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from rest_framework.test import APIClient

from alliance.exports import AUDIT_HEADER
from alliance.formatting import day_time
from alliance.models import AuditLink, GoverningBody
from roles.models import AccessGrant
from tests.factories import (
    AllianceFactory,
    DecisionFactory,
    GoverningBodyFactory,
    OrganisationFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
    UserFactory,
)
from tests.scenes import make_scene

pytestmark = pytest.mark.django_db

CANARY = "Canary Board of Elsewhere"


@pytest.fixture
def scene():
    return make_scene(voting=3)


@pytest.fixture
def oversight(scene, client):
    """An oversight member of Dunmarrow: reads its whole audit chain, and nothing of other alliances."""
    user = UserFactory(username="ovs")
    PersonFactory(name="Iona Watchful", user=user)
    AccessGrant.objects.create(user=user, alliance=scene.alliance, standing="oversight", starts_on=date(2000, 1, 1))
    client.force_login(user)
    return client


@pytest.fixture
def records(scene):
    """Changes whose values a person should read as the pages do: money, a choice, a list, a related
    record the reader may open, and one (of another alliance) the reader may not."""
    elsewhere = GoverningBodyFactory(alliance=AllianceFactory(slug="elsewhere"), name=CANARY, code="CAN")
    decision = DecisionFactory(
        body=scene.body,
        title="Fund the winter night shelter",
        value=Decimal("240000.00"),
        tags=["outreach", "night_hub"],
    )
    reporting = GoverningBodyFactory(alliance=scene.alliance, name="Operations Group", code="OPS")
    reporting.reports_to = scene.body
    reporting.save()
    stray = GoverningBodyFactory(alliance=scene.alliance, name="Stray Group", code="STR")
    stray.reports_to = elsewhere
    stray.save()
    return {"decision": decision, "reporting": reporting, "stray": stray, "elsewhere": elsewhere}


def page(client, **params) -> str:
    response = client.get("/alliances/dunmarrow/audit/", params)
    assert response.status_code == 200
    return response.content.decode()


def feed(client, **params) -> list[dict]:
    response = client.get("/api/v1/audit/", {"alliance": "dunmarrow", "page_size": 200, **params})
    assert response.status_code == 200, response.content
    return response.json()["results"]


def csv_bytes(client, **params) -> bytes:
    response = client.get("/api/v1/audit/csv/", {"alliance": "dunmarrow", **params})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def csv_rows(client, **params) -> list[dict]:
    return list(csv.DictReader(StringIO(csv_bytes(client, **params).decode("utf-8-sig"), newline="")))


def change_of(entries, model, field, object_id=None) -> dict:
    for entry in entries:
        if entry["model"] == model and (object_id is None or entry["object_id"] == str(object_id)):
            for change in entry["changes"]:
                if change["field"] == field:
                    return change
    raise AssertionError(f"no change of {model}.{field}")


# Values as the pages show them ----------------------------------------------------------------


def test_money_choices_lists_and_moments_read_as_the_pages_show_them(oversight, records):
    entries = feed(oversight)
    decision = records["decision"]
    value = change_of(entries, "decisions.decision", "value", decision.pk)
    assert value["new"] == "240000.00" and value["new_text"] == "£240,000.00"  # the machine value stays
    kind = change_of(entries, "decisions.decision", "kind", decision.pk)
    assert kind["new_text"] == decision.get_kind_display() and kind["new_text"] != decision.kind
    tags = change_of(entries, "decisions.decision", "tags", decision.pk)
    assert tags["new"] == ["outreach", "night_hub"] and tags["new_text"] == "outreach, night hub"
    capacities = change_of(
        entries,
        "alliance.membership",
        "capacities",
        records["decision"].body.alliance.memberships.get(status="ADVISORY").pk,
    )
    assert capacities["new_text"] == "Network support"
    rule = change_of(entries, "alliance.governingbody", "decision_rule", records["reporting"].pk)
    assert rule["new_text"] == GoverningBody.DecisionRule(records["reporting"].decision_rule).label
    for entry in entries:
        assert entry["when_local"] == day_time(timezone_aware(entry["when"]), seconds=True)

    html = page(oversight)
    assert "£240,000.00" in html and "240000.00" not in html
    assert "outreach, night hub" in html and "[&#x27;outreach&#x27;" not in html
    text = re.sub(r"<[^>]+>", " ", html)  # what a person reads: a <time> keeps ISO 8601 for machines
    assert "+00:00" not in text and "(decisions.decision)" not in text


def timezone_aware(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def test_a_vote_reads_as_the_members_vote_and_links_to_its_decision(oversight, scene):
    decision = scene.open(title="Adopt the outreach model")
    scene.vote(decision, 1)  # Second Step Trust
    entry = next(e for e in feed(oversight, model="vote"))
    assert entry["record"] == f"vote of Second Step Trust on {decision}"
    assert entry["url"] == decision.get_absolute_url()
    assert entry["summary"] == f"Created vote of Second Step Trust on {decision}"
    position = change_of([entry], "decisions.vote", "position")
    assert position["new"] == "Agree" and position["new_text"] == "Agree"
    cast_at = change_of([entry], "decisions.vote", "cast_at")
    assert cast_at["new_text"] == day_time(decision.votes.get().cast_at)
    html = page(oversight, model="decisions.vote")
    assert f'<a href="{decision.get_absolute_url()}">vote of Second Step Trust on' in html


def test_a_related_record_is_named_and_linked_only_where_the_reader_may_read_it(oversight, records, staff):
    entries = feed(oversight)
    readable = change_of(entries, "alliance.governingbody", "reports_to", records["reporting"].pk)
    body = records["reporting"].reports_to
    assert readable["new_text"] == str(body) and readable["new_url"] == body.get_absolute_url()
    unreadable = change_of(entries, "alliance.governingbody", "reports_to", records["stray"].pk)
    assert unreadable["new"] == unreadable["new_text"] == "a record you cannot open"
    assert unreadable["new_url"] is None

    # The canary's name shows nowhere the oversight member reads the trail: page, API, CSV, Excel.
    html = page(oversight)
    assert "a record you cannot open" in html and f'<a href="{body.get_absolute_url()}">' in html
    assert CANARY not in html
    assert CANARY not in oversight.get("/api/v1/audit/", {"alliance": "dunmarrow"}).content.decode()
    assert CANARY not in csv_bytes(oversight).decode("utf-8-sig")
    book = load_workbook(BytesIO(oversight.get("/api/v1/audit/xlsx/", {"alliance": "dunmarrow"}).content))
    assert not any(CANARY in str(cell) for row in book["Changes"].iter_rows(values_only=True) for cell in row)
    # ...nor in the record's own history, page or API.
    history = oversight.get(f"/api/v1/bodies/{records['stray'].pk}/history/").json()
    assert CANARY not in str(history)
    assert "a record you cannot open" in str(history)

    # Staff may read it, so staff read its name.
    staff_client = type(oversight)()
    staff_client.force_login(staff)
    named = change_of(feed(staff_client), "alliance.governingbody", "reports_to", records["stray"].pk)
    assert named["new_text"] == str(records["elsewhere"])


def test_a_deletion_says_what_was_deleted(oversight, staff_api, scene):
    body = GoverningBodyFactory(alliance=scene.alliance, name="Short Lived Working Group", code="SLW")
    body.delete()
    entry = feed(oversight, change_type="deleted")[0]
    assert entry["record"] == "governing body Short Lived Working Group (SLW)"
    assert entry["object"] == "Short Lived Working Group (SLW) (deleted)"
    assert entry["summary"] == "Deleted governing body Short Lived Working Group (SLW)"
    assert entry["url"] is None  # nothing left to open
    assert "Deleted: governing body Short Lived Working Group (SLW)" in page(oversight, change_type="deleted")

    org = OrganisationFactory(name="Short Lived Ltd")
    org.delete()
    gone = staff_api.get("/api/v1/audit/", {"model": "organisation", "change_type": "deleted"}).json()["results"]
    assert gone[0]["summary"] == "Deleted organisation Short Lived Ltd"


def test_each_entry_links_to_its_record_where_readable(oversight, records):
    entries = feed(oversight)
    decision = next(e for e in entries if e["model"] == "decisions.decision")
    assert decision["url"] == records["decision"].get_absolute_url()
    member = next(e for e in entries if e["model"] == "alliance.membership")
    assert member["url"] == f"/alliances/dunmarrow/members/{member['object_id']}/"


def test_the_history_of_a_record_reads_as_the_pages_show_it(scene, client, staff):
    decision = DecisionFactory(body=scene.body, title="Fund the shelter", value=Decimal("1250.5"), tags=["night_hub"])
    client.force_login(staff)
    html = client.get(decision.get_absolute_url()).content.decode()
    history = html[html.index('id="history-heading"') :]
    assert "£1,250.50" in history and "night hub" in history
    assert day_time(decision.history.get().history_date, seconds=True) in history
    versions = client.get(f"/api/v1/decisions/{decision.pk}/history/").json()
    value = change_of(versions, "decisions.decision", "value")
    assert value["new"] == "1250.50" and value["new_text"] == "£1,250.50"
    assert versions[0]["when_local"] and versions[0]["record"] == f"decision {decision}"


# "By user" finds people by name ---------------------------------------------------------------


def test_by_user_matches_part_of_a_username_or_of_the_persons_name_on_the_page_and_in_the_api(
    oversight, scene, staff, staff_api
):
    ailsa = PersonFactory(name="Ailsa Grant", user=staff)
    RoleAssignmentFactory(role=RoleFactory(alliance=scene.alliance, title="Alliance Director"), person=ailsa)
    assert staff_api.patch(f"/api/v1/bodies/{scene.body.pk}/", {"name": "Alliance Leadership Team"}).status_code == 200
    mine = AuditLink.objects.filter(user_id=staff.pk).values_list("pk", flat=True)
    assert mine
    for words in ("ailsa", "GRANT", "Ailsa Grant", "admin-st", "ADMIN-STAFF"):
        api_ids = [e["id"] for e in feed(oversight, user=words)]
        page_ids = [e["id"] for e in oversight.get("/alliances/dunmarrow/audit/", {"user": words}).context["entries"]]
        assert api_ids == page_ids == sorted(mine, reverse=True), words
    assert feed(oversight, user="nobody at all") == []
    entry = feed(oversight, user="ailsa")[0]
    assert entry["user"] == "admin-staff" and entry["by"] == "Ailsa Grant (admin-staff)"
    assert "Ailsa Grant (admin-staff)" in page(oversight, user="ailsa")


def test_a_person_the_reader_may_not_read_is_neither_named_nor_found_by_name(oversight, scene):
    """Someone who made a change but holds no post in the alliance: the reader sees the username only."""
    outsider = UserFactory(username="ext-auditor", is_staff=True)
    PersonFactory(name="Quentin Hiddenname", user=outsider)
    client = APIClient()
    client.force_authenticate(outsider)
    assert client.patch(f"/api/v1/bodies/{scene.body.pk}/", {"name": "Renamed Team"}).status_code == 200
    entry = feed(oversight, user="ext-aud")[0]
    assert entry["user"] == "ext-auditor" and entry["by"] == "ext-auditor"
    assert feed(oversight, user="Hiddenname") == []
    assert oversight.get("/alliances/dunmarrow/audit/", {"user": "Hiddenname"}).context["entries"] == []
    assert "Hiddenname" not in page(oversight) and "Hiddenname" not in csv_bytes(oversight).decode("utf-8-sig")


# CSV and Excel ------------------------------------------------------------------------------


def test_the_csv_opens_with_a_byte_order_mark_and_keeps_machine_values_beside_readable_ones(oversight, records):
    raw = csv_bytes(oversight)
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel then reads UTF-8: £ and →
    rows = csv_rows(oversight)
    assert list(rows[0]) == AUDIT_HEADER
    decision = next(r for r in rows if r["model"] == "decisions.decision")
    assert "value:  → 240000.00" in decision["changes"]
    assert "Value: — → £240,000.00" in decision["changes_readable"]
    assert decision["when"].endswith("+00:00") and decision["when_local"] == day_time(
        timezone_aware(decision["when"]), seconds=True
    )
    assert decision["url"] == records["decision"].get_absolute_url()
    stray = next(
        r for r in rows if r["model"] == "alliance.governingbody" and r["object_id"] == str(records["stray"].pk)
    )
    assert f"reports_to:  → {records['elsewhere'].pk}" in stray["changes"]  # the stored id, no name
    assert "Reports to: — → a record you cannot open" in stray["changes_readable"]


def test_the_excel_download_holds_the_pages_rows_with_its_filters(oversight, records):
    html = page(oversight, change_type="created", model="decisions.decision")
    link = re.search(r'href="([^"]*)">Download these changes as Excel', html).group(1).replace("&amp;", "&")
    assert link.startswith("/api/v1/audit/xlsx/?") and "change_type=created" in link and "alliance=dunmarrow" in link
    response = oversight.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "audit-feed.xlsx" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    rows = list(book["Changes"].iter_rows(values_only=True))
    assert list(rows[0]) == AUDIT_HEADER
    expected = [e["id"] for e in feed(oversight, change_type="created", model="decisions.decision")]
    assert [r[0] for r in rows[1:]] == expected and expected
    row = dict(zip(AUDIT_HEADER, rows[1], strict=True))
    assert "£240,000.00" in row["changes_readable"] and row["change"] == "created"
    filters = dict(book["Filters"].iter_rows(min_row=2, values_only=True))
    assert filters == {"alliance": "dunmarrow", "change_type": "created", "model": "decisions.decision"}


def test_an_excel_cell_that_looks_like_a_formula_is_text(staff_api):
    OrganisationFactory(name="=HYPERLINK(evil)")
    response = staff_api.get("/api/v1/audit/xlsx/", {"model": "organisation"})
    sheet = load_workbook(BytesIO(response.content))["Changes"]
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value == "=HYPERLINK(evil)"]
    assert cells and all(c.data_type == "s" for c in cells)


def test_the_page_offers_all_as_csv_and_excel_when_nothing_is_filtered(oversight, records):
    html = page(oversight)
    assert 'href="/api/v1/audit/csv/?alliance=dunmarrow">Download all as CSV' in html
    assert 'href="/api/v1/audit/xlsx/?alliance=dunmarrow">Download all as Excel' in html


def test_the_excel_download_refuses_bad_filters_in_words(oversight, records):
    response = oversight.get("/api/v1/audit/xlsx/", {"alliance": "dunmarrow", "since": "yesterday"})
    assert response.status_code == 400


def test_the_excel_download_needs_a_login(client):
    assert client.get("/api/v1/audit/xlsx/").status_code in (401, 403)


# A fixed number of queries whatever the page holds ----------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


def test_the_feed_reads_a_page_in_a_fixed_number_of_queries_whatever_it_holds(oversight, scene, records):
    def more(n):
        for i in range(n):
            decision = scene.open(title=f"Matter {n}-{i}", value=Decimal("1000.00"), tags=["outreach"])
            for member in range(3):
                scene.vote(decision, member)

    more(1)
    small = {
        url: count_queries(oversight, url)
        for url in (
            "/alliances/dunmarrow/audit/",
            "/api/v1/audit/?alliance=dunmarrow&page_size=200",
            "/api/v1/audit/csv/?alliance=dunmarrow",
        )
    }
    more(6)
    for url, before in small.items():
        assert count_queries(oversight, url) <= before, url
