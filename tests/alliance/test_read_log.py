"""The read log (issue 20, part 5): every read of a confidential record, an oversight note, an export
holding them, the audit trail and the log itself is logged, append-only; oversight reads it."""

from datetime import timedelta
from unittest import mock
from urllib.parse import quote

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alliance import read_log
from alliance.models import Alliance, ReadLogEntry
from contracts.models import OversightNote
from decisions.models import Decision
from roles.access import access_for
from tests.helpers import built_once, token_client
from tests.permission_scene import make_permission_scene

pytestmark = pytest.mark.django_db

AGENT = "Mozilla/5.0 (test) " + "x" * 400


def web(user) -> Client:
    client = Client(HTTP_USER_AGENT=AGENT, REMOTE_ADDR="203.0.113.7")
    if user is not None:
        client.force_login(user)
    return client


def entries(**filters) -> list[ReadLogEntry]:
    return list(ReadLogEntry.objects.filter(**filters).order_by("id"))


def new_entries(before: int) -> list[ReadLogEntry]:
    return list(ReadLogEntry.objects.filter(pk__gt=before).order_by("id"))


def last_id() -> int:
    return ReadLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


class TestConfidentialReadsAreLogged:
    scene = built_once(make_permission_scene)

    @pytest.fixture(autouse=True)
    def _scene(self, scene):
        self.scene = scene

    def read(self, user, url, *, api=False):
        """GET ``url`` as ``user`` and return the entries it wrote."""
        before = last_id()
        client = token_client(user) if api else web(user)
        response = client.get(url, HTTP_USER_AGENT=AGENT) if api else client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200, (url, response.status_code, body[:300])
        return new_entries(before)

    def test_a_confidential_decision_page_is_logged_with_who_when_what_and_from_where(self):
        ids, user = self.scene.ids, self.scene.users["oversight"]
        url = f"/alliances/{ids['slug']}/decisions/{ids['confidential']}/"
        started = timezone.now()
        [entry] = self.read(user, url)
        assert (entry.user_id, entry.username) == (user.pk, "oversight-user")
        assert entry.person_name == user.person.name and entry.person_name
        assert started - timedelta(seconds=1) <= entry.at <= timezone.now()
        assert (entry.object_model, entry.object_id) == ("decisions.decision", str(ids["confidential"]))
        assert entry.description == f"{ids['secret_reference']}: {ids['secret_title']}"
        assert (entry.kind, entry.rows, entry.path) == ("page", 1, url)
        assert entry.alliance.slug == ids["slug"]
        assert entry.ip_address == "203.0.113.7"
        assert entry.user_agent == AGENT[:300]

    def test_the_secretary_reading_it_is_logged_too(self):
        ids = self.scene.ids
        [entry] = self.read(self.scene.users["secretary"], f"/alliances/{ids['slug']}/decisions/{ids['confidential']}/")
        assert entry.username == "secretary-user" and entry.kind == "page"

    @pytest.mark.parametrize("which", ["public", "members"])
    def test_a_public_or_members_decision_is_not_logged(self, which):
        ids = self.scene.ids
        assert self.read(self.scene.users["secretary"], f"/alliances/{ids['slug']}/decisions/{ids[which]}/") == []
        assert self.read(self.scene.users["secretary"], f"/api/v1/decisions/{ids[which]}/", api=True) == []

    def test_the_api_detail_its_history_and_as_of_are_logged(self):
        ids, user = self.scene.ids, self.scene.users["secretary"]
        for url in (
            f"/api/v1/decisions/{ids['confidential']}/",
            f"/api/v1/decisions/{ids['confidential']}/history/",
            f"/api/v1/decisions/{ids['confidential']}/?as_of={quote(timezone.now().isoformat())}",
        ):
            [entry] = self.read(user, url, api=True)
            assert (entry.kind, entry.object_id, entry.user_agent) == ("api", str(ids["confidential"]), AGENT[:300])

    def test_a_list_is_one_entry_naming_how_many_confidential_records_it_served(self):
        ids, user = self.scene.ids, self.scene.users["oversight"]
        served = Decision.objects.restrict(access_for(user)).filter(visibility="CONFIDENTIAL").count()
        [entry] = self.read(user, "/api/v1/decisions/", api=True)
        assert entry.rows == served >= 1 and entry.kind == "api"
        [entry] = self.read(user, f"/alliances/{ids['slug']}/decisions/")
        assert entry.rows == served and entry.kind == "page"
        # The viewer reads no confidential decision: nothing is logged.
        assert self.read(self.scene.users["viewer"], "/api/v1/decisions/", api=True) == []

    def test_confidential_awards_are_logged_public_ones_not(self):
        ids, user = self.scene.ids, self.scene.users["secretary"]
        [entry] = self.read(user, f"/alliances/{ids['slug']}/awards/{ids['secret_award']}/")
        assert (entry.object_model, entry.object_id) == ("contracts.awardprocess", str(ids["secret_award"]))
        [entry] = self.read(user, f"/api/v1/awards/{ids['secret_award']}/", api=True)
        assert entry.kind == "api"
        [entry] = self.read(user, f"/alliances/{ids['slug']}/awards/{ids['secret_award']}/audit.csv")
        assert entry.kind == "export"
        assert self.read(user, f"/alliances/{ids['slug']}/awards/{ids['award']}/") == []

    def test_oversight_notes_are_logged_on_the_page_and_in_the_api(self):
        ids, user = self.scene.ids, self.scene.users["oversight"]
        notes = OversightNote.objects.filter(alliance__slug=ids["slug"]).count()
        [entry] = self.read(user, f"/alliances/{ids['slug']}/oversight/notes/")
        assert entry.object_model == "contracts.oversightnote" and entry.rows == notes
        [entry] = self.read(user, f"/api/v1/oversight-notes/{ids['note']}/", api=True)
        assert (entry.object_id, entry.kind) == (str(ids["note"]), "api")
        [entry] = self.read(user, "/api/v1/oversight-notes/", api=True)
        assert entry.rows == notes

    def test_papers_of_a_confidential_record_are_logged_when_read_or_downloaded(self):
        ids, user = self.scene.ids, self.scene.users["secretary"]
        slug, secret, plain = ids["slug"], ids["secret_paper"], ids["paper"]
        [entry] = self.read(user, f"/alliances/{slug}/papers/{secret}/")
        assert (entry.object_model, entry.kind) == ("alliance.document", "page")
        [entry] = self.read(user, f"/alliances/{slug}/papers/{secret}/versions/1/download/")
        assert (entry.object_model, entry.kind) == ("alliance.documentversion", "download")
        assert entry.description == f"{ids['secret_paper_title']} (version 1)"
        [entry] = self.read(user, f"/api/v1/documents/{secret}/versions/1/download/", api=True)
        assert entry.kind == "download"
        [entry] = self.read(user, f"/api/v1/documents/{secret}/", api=True)
        assert entry.kind == "api"
        assert self.read(user, f"/alliances/{slug}/papers/{plain}/versions/1/download/") == []
        assert self.read(user, f"/api/v1/documents/{plain}/versions/1/download/", api=True) == []

    def test_a_confidential_governing_document_is_logged(self):
        ids = self.scene.ids
        [entry] = self.read(
            self.scene.users["secretary"], f"/alliances/{ids['slug']}/governing-documents/{ids['secret_govdoc']}/"
        )
        assert entry.object_model == "decisions.governingdocument"

    def test_exports_holding_confidential_decisions_are_logged(self):
        ids, user = self.scene.ids, self.scene.users["secretary"]
        for url in (
            f"/api/v1/exports/decisions/?alliance={ids['slug']}",
            f"/api/v1/exports/popolo/?alliance={ids['slug']}",
        ):
            [entry] = self.read(user, url, api=True)
            assert (entry.kind, entry.object_model, entry.rows) == ("export", "decisions.decision", 1)
            assert entry.description.startswith("1 confidential decision in the ")
        # The viewer's export holds none.
        assert (
            self.read(self.scene.users["viewer"], f"/api/v1/exports/decisions/?alliance={ids['slug']}", api=True) == []
        )

    def test_reading_the_audit_trail_is_logged(self):
        ids, user = self.scene.ids, self.scene.users["secretary"]
        [entry] = self.read(user, f"/alliances/{ids['slug']}/audit/")
        assert (entry.object_model, entry.kind, entry.alliance.slug) == ("alliance.auditlink", "page", ids["slug"])
        [entry] = self.read(user, f"/api/v1/audit/?alliance={ids['slug']}", api=True)
        assert entry.kind == "api" and entry.alliance.slug == ids["slug"]
        [entry] = self.read(user, f"/api/v1/audit/csv/?alliance={ids['slug']}", api=True)
        assert entry.kind == "export" and entry.rows > 0
        [entry] = self.read(user, f"/api/v1/audit/xlsx/?alliance={ids['slug']}", api=True)
        assert entry.kind == "export" and entry.rows > 0 and "workbook" in entry.description

    def test_reading_the_log_is_logged(self):
        ids, user = self.scene.ids, self.scene.users["oversight"]
        [entry] = self.read(user, f"/alliances/{ids['slug']}/read-log/")
        assert (entry.kind, entry.object_model, entry.alliance.slug) == (
            "read-log",
            "alliance.readlogentry",
            ids["slug"],
        )
        [entry] = self.read(user, f"/api/v1/read-log/?alliance={ids['slug']}", api=True)
        assert entry.kind == "read-log"
        # The next read shows the last one.
        response = token_client(user).get("/api/v1/read-log/", {"alliance": ids["slug"], "kind": "read-log"})
        assert entry.pk in [row["id"] for row in response.json()["results"]]


class TestWhoReadsTheLog:
    scene = built_once(make_permission_scene)

    @pytest.fixture(autouse=True)
    def _scene(self, scene):
        self.scene = scene

    @pytest.fixture
    def logged(self):
        ids = self.scene.ids
        web(self.scene.users["secretary"]).get(f"/alliances/{ids['slug']}/decisions/{ids['confidential']}/")
        return ReadLogEntry.objects.get(kind="page", object_id=str(ids["confidential"]))

    @pytest.mark.parametrize(
        "standing, status",
        [
            ("oversight", 200),
            ("staff", 200),
            ("secretary", 403),
            ("representative", 403),
            ("viewer", 403),
            ("other alliance", 404),
            ("anonymous", 302),
        ],
    )
    def test_the_page_is_for_oversight_and_staff(self, standing, status, logged):
        user = self.scene.users.get(standing)
        response = web(user).get(f"/alliances/{self.scene.ids['slug']}/read-log/")
        assert response.status_code == status
        if status == 200:
            assert (
                "secretary-user" in response.content.decode()
                and self.scene.ids["secret_title"] in response.content.decode()
            )
        else:
            assert not ReadLogEntry.objects.filter(kind="read-log").exists()

    @pytest.mark.parametrize(
        "standing", ["oversight", "staff", "secretary", "representative", "viewer", "other alliance"]
    )
    def test_the_api_lists_only_what_the_reader_oversees(self, standing, logged):
        user = self.scene.users[standing]
        response = token_client(user).get("/api/v1/read-log/", {"alliance": self.scene.ids["slug"]})
        assert response.status_code == 200  # the scene's alliance publishes its register: any login reads it
        ids = [row["id"] for row in response.json()["results"]]
        assert (logged.pk in ids) == (standing in ("oversight", "staff")), standing
        if standing not in ("oversight", "staff"):
            assert ids == [] and not ReadLogEntry.objects.filter(kind="read-log").exists()

    def test_anonymous_is_refused_by_the_api(self):
        assert Client().get("/api/v1/read-log/").status_code in (401, 403)

    def test_the_read_rule_gives_oversight_its_alliances_and_staff_all(self, logged):
        users, alliance = self.scene.users, Alliance.objects.get(slug=self.scene.ids["slug"])
        elsewhere = ReadLogEntry.objects.create(
            alliance=None, at=timezone.now(), kind="page", object_model="x.y", description="of no alliance"
        )
        assert set(ReadLogEntry.objects.restrict(access_for(users["oversight"]))) == set(
            ReadLogEntry.objects.filter(alliance=alliance)
        )
        assert elsewhere in ReadLogEntry.objects.restrict(access_for(users["staff"]))
        for standing in ("secretary", "representative", "viewer", "other alliance"):
            assert not ReadLogEntry.objects.restrict(access_for(users[standing])).exists(), standing
        assert access_for(users["oversight"]).can_read(logged) and not access_for(users["secretary"]).can_read(logged)


class TestFilters:
    scene = built_once(make_permission_scene)

    @pytest.fixture(autouse=True)
    def _scene(self, scene):
        self.scene = scene

    @pytest.fixture
    def reads(self):
        ids, users = self.scene.ids, self.scene.users
        web(users["secretary"]).get(f"/alliances/{ids['slug']}/decisions/{ids['confidential']}/")
        web(users["representative"]).get(f"/alliances/{ids['slug']}/papers/{ids['secret_paper']}/versions/1/download/")
        token_client(users["secretary"]).get(f"/api/v1/awards/{ids['secret_award']}/")

    def page(self, **params):
        response = web(self.scene.users["oversight"]).get(f"/alliances/{self.scene.ids['slug']}/read-log/", params)
        return response, response.context["entries"] if response.context else None

    def api(self, **params):
        client = token_client(self.scene.users["oversight"])
        response = client.get("/api/v1/read-log/", {"alliance": self.scene.ids["slug"], **params})
        return response, response.json().get("results")

    def test_who_matches_part_of_a_username_or_a_persons_name(self, reads):
        rep_name = self.scene.users["representative"].person.name
        _, rows = self.page(who="SECRETARY-us")
        assert {e.username for e in rows} == {"secretary-user"} and len(rows) == 2
        _, rows = self.api(who=rep_name.split()[0].lower())
        assert {e["username"] for e in rows} == {"rep-user"}

    def test_kind_and_record(self, reads):
        _, rows = self.page(kind="download")
        assert [e.object_model for e in rows] == ["alliance.documentversion"]
        _, rows = self.api(record="contracts.awardprocess")
        assert [(e["kind"], e["object_id"]) for e in rows] == [("api", str(self.scene.ids["secret_award"]))]

    def test_dates(self, reads):
        today = timezone.localdate()
        _, rows = self.page(since=str(today), until=str(today))
        assert len(rows) == 3
        _, rows = self.api(until=str(today - timedelta(days=1)))
        assert rows == []

    def test_a_filter_that_cannot_be_read_answers_400_in_words(self, reads):
        response, _ = self.page(since="tomorrow")
        assert response.status_code == 400
        response, _ = self.page(since="2024-02-02", until="2024-02-01")
        assert response.status_code == 400 and "before the" in response.content.decode()
        response, _ = self.api(kind="glance")
        assert response.status_code == 400

    def test_newest_first_and_paginated(self, reads):
        _, rows = self.page()
        assert [e.at for e in rows] == sorted((e.at for e in rows), reverse=True)
        response, _ = self.page(page="2")
        assert response.status_code == 200


class TestQueries:
    scene = built_once(make_permission_scene)

    @pytest.fixture(autouse=True)
    def _scene(self, scene):
        self.scene = scene

    def fill(self, count: int) -> None:
        alliance = Alliance.objects.get(slug=self.scene.ids["slug"])
        ReadLogEntry.objects.bulk_create(
            ReadLogEntry(
                alliance=alliance,
                at=timezone.now(),
                kind="page",
                object_model="decisions.decision",
                object_id=str(n),
                description=f"Decision {n}",
                username=f"user{n}",
                person_name=f"Person {n}",
            )  # fmt: skip
            for n in range(count)
        )

    def count(self, url, client) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def test_the_logs_list_takes_the_same_queries_for_3_entries_or_40(self):
        ids, user = self.scene.ids, self.scene.users["oversight"]
        page, api = f"/alliances/{ids['slug']}/read-log/", f"/api/v1/read-log/?alliance={ids['slug']}"
        self.fill(3)
        few = (self.count(page, web(user)), self.count(api, token_client(user)))
        self.fill(37)
        assert (self.count(page, web(user)), self.count(api, token_client(user))) == few

    def test_logging_a_confidential_read_costs_one_insert(self):
        ids, user = self.scene.ids, self.scene.users["secretary"]
        url = f"/alliances/{ids['slug']}/decisions/{ids['confidential']}/"
        off = mock.patch.object(read_log, "_write", lambda request, entries: [None] * len(entries))
        client = web(user)
        client.get(url)  # warm-up: the caches of the first request
        with off:
            without = self.count(url, client)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        inserts = [q["sql"] for q in queries if q["sql"].startswith('INSERT INTO "alliance_readlogentry"')]
        assert len(inserts) == 1
        assert len(queries) == without + 1  # the INSERT, which reads the person's name itself


class TestAppendOnly:
    @pytest.fixture
    def entry(self):
        return ReadLogEntry.objects.create(at=timezone.now(), kind="page", object_model="x.y", description="a read")

    def test_the_database_refuses_to_change_or_delete_entries(self, entry):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            sql("UPDATE alliance_readlogentry SET username = 'someone else'")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            sql("DELETE FROM alliance_readlogentry")
        with pytest.raises(DatabaseError), transaction.atomic():
            ReadLogEntry.objects.filter(pk=entry.pk).update(description="nothing")
        with pytest.raises(DatabaseError), transaction.atomic():
            entry.delete()
        entry.refresh_from_db()
        assert entry.description == "a read" and ReadLogEntry.objects.count() == 1

    @pytest.mark.postgres
    def test_postgresql_refuses_truncate(self, entry):
        sql("SET CONSTRAINTS ALL IMMEDIATE")  # the entry's foreign key checks, else TRUNCATE waits on them
        with pytest.raises(DatabaseError, match="cannot be truncated"), transaction.atomic():
            sql("TRUNCATE alliance_readlogentry")
        assert ReadLogEntry.objects.filter(pk=entry.pk).exists()


def test_what_is_confidential_is_read_off_the_read_rules():
    scene = make_permission_scene()
    ids = scene.ids
    confidential = Decision.objects.get(pk=ids["confidential"])
    assert read_log.is_confidential(confidential)
    assert not read_log.is_confidential(Decision.objects.get(pk=ids["members"]))
    assert read_log.is_confidential(OversightNote.objects.get(pk=ids["note"]))
    assert read_log.alliance_id_of(confidential) == confidential.alliance_id
    assert not read_log.is_confidential(None)
