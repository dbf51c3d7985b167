"""Every kind of history row reads in the audit feed, and no single odd row can make it fail: the
feed (API, page and CSV) shows one entry for every link, from the link alone when its row is gone
or cannot be read."""

import csv
from io import StringIO

import pytest
from django.db import connection

from alliance import history
from alliance.models import AuditLink, Organisation
from tests.factories import DecisionFactory, GoverningBodyFactory

pytestmark = pytest.mark.django_db


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def revisit():
    """A decision that revisits an earlier one: many-to-many history rows in the chain."""
    body = GoverningBodyFactory(alliance__slug="dunmarrow", name="Alliance Leadership Team", code="ALT")
    earlier = DecisionFactory(body=body, title="Adopt the outreach model")
    later = DecisionFactory(body=body, title="Revisit the outreach model")
    later.revisits.add(earlier)
    return earlier, later


def feed(client, **params) -> list[dict]:
    response = client.get("/api/v1/audit/", {"alliance": "dunmarrow", "page_size": 200, **params})
    assert response.status_code == 200
    return response.json()["results"]


def csv_rows(client) -> list[dict]:
    response = client.get("/api/v1/audit/csv/", {"alliance": "dunmarrow"})
    assert response.status_code == 200
    return list(csv.DictReader(StringIO(b"".join(response.streaming_content).decode("utf-8-sig"), newline="")))


def m2m_link() -> AuditLink:
    return AuditLink.objects.get(history_model="decisions.historicaldecision_revisits")


def entry_of(entries, link) -> dict:
    return next(e for e in entries if e["id"] == link.pk)


def test_a_revisits_link_reads_as_the_decision_and_the_one_it_revisits(staff_api, revisit):
    earlier, later = revisit
    entry = entry_of(feed(staff_api), m2m_link())
    version = later.history.latest()
    assert entry["model"] == "decisions.decision" and entry["object_id"] == str(later.pk)
    assert entry["object"] == str(later)
    change = entry["changes"][0]
    assert len(entry["changes"]) == 1
    assert {k: change[k] for k in ("field", "label", "old", "new")} == {
        "field": "revisits",
        "label": "revisits",
        "old": None,
        "new": str(earlier),
    }
    assert change["new_text"] == str(earlier) and change["new_url"] == earlier.get_absolute_url()
    assert entry["when"] == version.history_date.isoformat().replace("+00:00", "Z")
    assert entry["change_type"] == "changed"
    assert m2m_link().history_date == version.history_date  # the link is dated: date filters see it
    assert [e["id"] for e in feed(staff_api, model="decision", since=version.history_date.isoformat())]


def test_the_feed_csv_holds_every_entry_the_feed_shows(staff_api, revisit):
    entries = feed(staff_api)
    rows = csv_rows(staff_api)
    assert [int(r["id"]) for r in rows] == [e["id"] for e in entries]
    revisits = next(r for r in rows if int(r["id"]) == m2m_link().pk)
    assert revisits["changes"] == f"revisits:  → {revisit[0].pk}"  # the machine values: the id
    assert revisits["changes_readable"] == f"Revisits: — → {revisit[0]}"


def test_a_revisits_row_whose_decision_is_gone_reads(staff_api, revisit):
    sql("UPDATE decisions_historicaldecision_revisits SET to_decision_id = 999999")
    assert entry_of(feed(staff_api), m2m_link())["changes"][0]["new"] == "decision #999999 (deleted)"


def test_a_revisits_row_whose_version_is_gone_reads_from_its_link(staff_api, revisit):
    sql("UPDATE decisions_historicaldecision_revisits SET history_id = 999999")
    entry = entry_of(feed(staff_api), m2m_link())
    assert entry["object"] == str(revisit[1])
    assert entry["when"] is not None and entry["changes"][0]["new"] == str(revisit[0])


def test_a_link_whose_history_row_was_deleted_reads_from_the_link(staff_api, revisit):
    link = AuditLink.objects.filter(history_model="decisions.historicaldecision").latest("seq")
    sql("DELETE FROM decisions_historicaldecision WHERE history_id = %s", [link.history_id])
    sql("DELETE FROM decisions_historicaldecision_revisits")
    entries = feed(staff_api)
    assert entry_of(entries, link)["reason"] == history.MISSING_ROW
    assert entry_of(entries, link)["object"] == f"decision #{link.object_id}"
    assert entry_of(entries, m2m_link())["reason"] == history.MISSING_ROW
    assert len(csv_rows(staff_api)) == len(entries) == AuditLink.objects.filter(chain=link.chain).count()


def test_a_link_to_a_history_table_no_model_has_reads_from_the_link(staff_api, revisit):
    last = AuditLink.objects.filter(chain=m2m_link().chain).latest("seq")
    ghost = AuditLink.objects.create(
        chain=last.chain, seq=last.seq + 1, history_model="decisions.historicalgone", history_id=1,
        object_model="decisions.gone", object_id="1", source="script", prev_hash=last.hash, hash="0" * 64,
    )  # fmt: skip
    entry = entry_of(feed(staff_api), ghost)
    assert (entry["object"], entry["reason"]) == ("decisions.gone #1", history.MISSING_ROW)


def test_a_row_whose_diff_cannot_be_shown_reads_without_it(staff_api, revisit, monkeypatch, caplog):
    def broken(field, value, names):
        raise TypeError("an odd value")

    monkeypatch.setattr(history, "_display", broken)
    link = AuditLink.objects.get(history_model="decisions.historicaldecision", object_id=revisit[1].pk, change_type="+")
    entry = entry_of(feed(staff_api), link)
    assert entry["changes"] == [] and history.UNREADABLE_ROW in entry["reason"]
    assert (entry["object"], entry["change_type"]) == (str(revisit[1]), "created") and entry["when"]
    assert "Could not show the changes" in caplog.text


def test_a_kind_of_row_the_feed_cannot_read_reads_from_its_links(
    staff_api, staff, client, revisit, monkeypatch, caplog
):
    def broken(history_model, links):
        raise RuntimeError("describing failed")

    monkeypatch.setattr(history, "_m2m_entries", broken)
    entries = feed(staff_api)
    assert entry_of(entries, m2m_link())["reason"] == history.UNREADABLE_ROW
    assert len(csv_rows(staff_api)) == len(entries)
    assert "Could not describe 1 decisions.historicaldecision_revisits rows" in caplog.text
    client.force_login(staff)
    page = client.get("/alliances/dunmarrow/audit/")
    assert page.status_code == 200 and len(page.context["entries"]) == len(entries)


def test_a_record_whose_name_cannot_be_read_is_named_by_kind_and_id(staff_api, monkeypatch):
    organisation = Organisation.objects.create(name="Harbour Light Housing", kind="provider")

    def broken(self):
        raise AttributeError("a relation is gone")

    monkeypatch.setattr(Organisation, "__str__", broken)
    response = staff_api.get("/api/v1/audit/", {"model": "organisation"})
    assert response.status_code == 200
    assert response.json()["results"][0]["object"] == f"organisation #{organisation.pk}"
