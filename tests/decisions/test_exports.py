import csv
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from decisions import services
from decisions.exports import popolo
from roles.standing import SYSTEM
from tests.helpers import built_once, viewer_of
from tests.scenes import CLOSED, make_scene

pytestmark = pytest.mark.django_db


def build_scene():
    """The decision scene with one decision voted and closed (not agreed) and one draft."""
    scene = make_scene(voting=3)
    decision = scene.open(title="=Adopt the outreach redesign")
    scene.vote(decision, 0)
    scene.vote(decision, 1, "OBJECT")
    scene.vote(decision, 2, "ABSTAIN")
    services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)
    scene.draft(title="A draft stays out of Popolo")
    return scene


@pytest.fixture
def scene():
    return build_scene()


@pytest.fixture
def viewer(scene):
    return viewer_of(scene.alliance)


class TestOnTheSharedScene:
    """Reads only: the scene is built once for the class."""

    scene = built_once(build_scene)

    def test_register_csv_from_the_api_is_streamed_and_escaped(self, viewer_api, scene):
        response = viewer_api.get("/api/v1/exports/decisions/", {"alliance": "dunmarrow"})
        assert response.status_code == 200
        assert response.streaming
        raw = b"".join(response.streaming_content)
        assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark: Excel reads "£" as it is, not "Â£"
        rows = list(csv.DictReader(StringIO(raw.decode("utf-8-sig"))))
        closed = next(r for r in rows if r["status"] == "NOT_AGREED")
        assert closed["title"] == "'=Adopt the outreach redesign"
        assert (closed["agree"], closed["object"], closed["abstain"]) == ("1", "1", "1")
        assert closed["reference"].startswith("ALT-2021-")

    def test_register_csv_needs_the_alliance(self, viewer_api, scene):
        response = viewer_api.get("/api/v1/exports/decisions/")
        assert response.status_code == 400
        assert response.json()["field"] == "alliance"
        assert viewer_api.get("/api/v1/exports/decisions/", {"alliance": "nowhere"}).status_code == 404

    def test_register_command_writes_csv(self, scene, tmp_path):
        target = tmp_path / "decisions.csv"
        call_command("export_decisions", "dunmarrow", "-o", str(target), stderr=StringIO())
        rows = list(csv.DictReader(target.open(encoding="utf-8-sig")))
        assert len(rows) == 2

    def test_register_command_unknown_alliance(self, scene):
        with pytest.raises(CommandError, match="No alliance has the slug"):
            call_command("export_decisions", "nowhere", stdout=StringIO())

    def test_popolo_has_motions_vote_events_votes_and_counts(self, scene):
        data = popolo(scene.alliance)
        assert {"organizations", "persons", "posts", "memberships", "motions", "vote_events"} <= set(data)
        assert len(data["motions"]) == 1  # drafts are not motions
        event = data["vote_events"][0]
        assert event["result"] == "fail"
        assert {c["option"]: c["value"] for c in event["counts"]}["no"] == 1
        assert sorted(v["option"] for v in event["votes"]) == ["abstain", "no", "yes"]
        voter_ids = {p["id"] for p in data["persons"]}
        assert {v["voter_id"] for v in event["votes"]} <= voter_ids
        roles = {m["role"] for m in data["memberships"]}
        assert {"voting member", "advisory member"} <= roles

    def test_popolo_endpoint_and_command(self, viewer_api, scene):
        response = viewer_api.get("/api/v1/exports/popolo/", {"alliance": "dunmarrow"})
        assert response.status_code == 200
        assert response.json()["motions"][0]["text"] == "=Adopt the outreach redesign"
        out = StringIO()
        call_command("export_decisions", "dunmarrow", "--popolo", stdout=out)
        assert json.loads(out.getvalue())["vote_events"][0]["result"] == "fail"

    def test_register_command_refuses_an_unknown_visibility(self, scene):
        with pytest.raises(CommandError, match="--visibility 'secret' is not understood"):
            call_command("export_decisions", "dunmarrow", "--visibility", "secret", stdout=StringIO())


def test_popolo_query_count_is_fixed(viewer_api, scene, django_assert_max_num_queries):
    for _ in range(10):
        decision = scene.open()
        scene.vote(decision, 0)
        services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)
    with django_assert_max_num_queries(16):
        viewer_api.get("/api/v1/exports/popolo/", {"alliance": "dunmarrow"})


def test_register_command_leaves_confidential_decisions_out_unless_asked(scene, tmp_path):
    scene.open(title="Confidential settlement", visibility="CONFIDENTIAL")
    scene.open(title="Public matter", visibility="PUBLIC")
    target = tmp_path / "decisions.csv"
    call_command("export_decisions", "dunmarrow", "-o", str(target), stderr=StringIO())
    titles = {r["title"] for r in csv.DictReader(target.open(encoding="utf-8-sig"))}
    assert "Public matter" in titles and "Confidential settlement" not in titles
    call_command("export_decisions", "dunmarrow", "-o", str(target), "--visibility", "all", stderr=StringIO())
    titles = {r["title"] for r in csv.DictReader(target.open(encoding="utf-8-sig"))}
    assert "Confidential settlement" in titles
    call_command("export_decisions", "dunmarrow", "-o", str(target), "--visibility", "CONFIDENTIAL", stderr=StringIO())
    assert {r["title"] for r in csv.DictReader(target.open(encoding="utf-8-sig"))} == {"Confidential settlement"}


def test_popolo_command_leaves_confidential_decisions_out_by_default(scene):
    scene.open(title="Confidential settlement", visibility="CONFIDENTIAL")
    out = StringIO()
    call_command("export_decisions", "dunmarrow", "--popolo", stdout=out)
    assert "Confidential settlement" not in {m["text"] for m in json.loads(out.getvalue())["motions"]}
    out = StringIO()
    call_command("export_decisions", "dunmarrow", "--popolo", "--visibility", "all", stdout=out)
    assert "Confidential settlement" in {m["text"] for m in json.loads(out.getvalue())["motions"]}
