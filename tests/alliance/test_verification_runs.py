"""Verifications of the audit trail oversight can see and ask for (issue 20, part 4): who may ask, one at
a time, run outside the request (alliance/audit/runs.py, manage.py run_audit_verifications), shown on the
audit page and in the API."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.audit import checkpoint, runs, verify
from alliance.errors import RuleViolation
from alliance.models import AuditCheckpoint, AuditLink, AuditVerification
from roles.models import AccessGrant
from tests.factories import AllianceFactory, AuditVerificationFactory, StaffFactory, UserFactory
from tests.helpers import actor_for, refused, rows, token_client, viewer_of

pytestmark = pytest.mark.django_db

API = "/api/v1/audit/verifications/"
PAGE = "/alliances/dunmarrow/audit/"
REQUEST = "/alliances/dunmarrow/audit/verifications/"


def oversight_user(alliance, username="auditor"):
    user = UserFactory(username=username, first_name="Iona", last_name="Auditor")
    AccessGrant.objects.create(user=user, alliance=alliance, standing="oversight", starts_on=date(2000, 1, 1))
    return user


@pytest.fixture
def auditor(scene):
    return oversight_user(scene.alliance)


@pytest.fixture
def users(scene, auditor):
    """Every standing the tests ask as, by name (anonymous is None)."""
    scene.secretary.user = UserFactory(username="secretary")
    scene.secretary.save()
    scene.reps[0].user = UserFactory(username="member")
    scene.reps[0].save()
    return {
        "oversight": auditor,
        "staff": StaffFactory(username="admin-staff"),
        "secretary": scene.secretary.user,
        "member": scene.reps[0].user,
        "viewer": viewer_of(scene.alliance),
        "other oversight": oversight_user(AllianceFactory(slug="elsewhere"), "outsider"),
    }


def run_all(*args) -> str:
    out = StringIO()
    call_command("run_audit_verifications", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def run_broken(*args) -> str:
    with pytest.raises(CommandError) as info:
        run_all(*args)
    return str(info.value)


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def drop_link_triggers():
    """As someone with the database owner's rights could (tests/alliance/test_audit.py)."""
    if connection.vendor == "sqlite":
        sql("DROP TRIGGER alliance_auditlink_no_update")
        sql("DROP TRIGGER alliance_auditlink_no_delete")
    else:
        sql("DROP TRIGGER alliance_auditlink_append_only ON alliance_auditlink")


# Who may ask ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["oversight", "staff"])
def test_oversight_and_staff_may_ask_and_the_run_is_queued(scene, users, who):
    run = runs.request_verification(actor=actor_for(users[who]), alliance=scene.alliance)
    run.refresh_from_db()
    assert (run.status, run.alliance, run.requested_by, run.scheduled) == ("queued", scene.alliance, users[who], False)


@pytest.mark.parametrize("who", ["oversight", "staff"])
def test_oversight_and_staff_ask_from_the_page(client, scene, users, who):
    client.force_login(users[who])
    response = client.post(REQUEST, follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    assert "Verification asked for" in response.content.decode()
    assert AuditVerification.objects.get().status == "queued"
    assert "Waiting to run" in response.content.decode()


@pytest.mark.parametrize("who", ["oversight", "staff"])
def test_oversight_and_staff_ask_through_the_api(scene, users, who):
    response = token_client(users[who]).post(API, {"alliance": "dunmarrow"}, format="json")
    assert response.status_code == 202, response.json()
    body = response.json()
    assert (body["alliance"], body["status"], body["requested_by"]) == ("dunmarrow", "queued", users[who].username)
    assert AuditVerification.objects.get().pk == body["id"]


@pytest.mark.parametrize("who", ["secretary", "member", "viewer", "other oversight"])
def test_others_are_refused_by_the_service_with_nothing_written(scene, users, who):
    refusal = refused(
        "not_permitted",
        runs.request_verification,
        AuditVerification,
        actor=actor_for(users[who]),
        alliance=scene.alliance,
    )
    assert "oversight group" in refusal.message


@pytest.mark.parametrize(
    ("who", "code"), [("secretary", 403), ("member", 403), ("viewer", 403), ("other oversight", 404)]
)
def test_others_are_refused_through_the_page_form_with_nothing_written(client, scene, users, who, code):
    client.force_login(users[who])
    response = client.post(REQUEST)
    assert response.status_code == code
    if who == "secretary":  # reads the audit page, so hears the rule's own sentence
        assert "oversight group" in response.content.decode()
    assert not AuditVerification.objects.exists()


def test_anonymous_is_sent_to_sign_in_with_nothing_written(client, scene):
    response = client.post(REQUEST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not AuditVerification.objects.exists()


@pytest.mark.parametrize(
    ("who", "code"), [("secretary", 403), ("member", 403), ("viewer", 403), ("other oversight", 400)]
)
def test_others_are_refused_through_the_api_with_nothing_written(scene, users, who, code):
    response = token_client(users[who]).post(API, {"alliance": "dunmarrow"}, format="json")
    assert response.status_code == code, response.json()
    if code == 403:
        assert response.json()["code"] == "not_permitted" and "oversight group" in response.json()["detail"]
    else:  # oversight elsewhere cannot read this alliance: refused as if it did not exist
        assert response.json()["field"] == "alliance"
    assert not AuditVerification.objects.exists()


def test_anonymous_api_caller_is_refused(anon_api, scene):
    assert anon_api.post(API, {"alliance": "dunmarrow"}, format="json").status_code == 401
    assert not AuditVerification.objects.exists()


def test_the_page_offers_verify_now_to_oversight_only(client, scene, users):
    client.force_login(users["oversight"])
    assert "Verify now" in client.get(PAGE).content.decode()
    client.force_login(users["secretary"])
    page = client.get(PAGE).content.decode()
    assert "Verify now" not in page and "oversight group sees each result" in page


def test_a_second_request_is_refused_while_one_waits_or_runs(client, scene, users):
    actor = actor_for(users["oversight"])
    first = runs.request_verification(actor=actor, alliance=scene.alliance)
    refusal = refused(
        "verification_pending", runs.request_verification, AuditVerification, actor=actor, alliance=scene.alliance
    )
    assert "waiting to run" in refusal.message and refusal.conflict
    AuditVerification.objects.filter(pk=first.pk).update(status="running", started_at=first.requested_at)
    refusal = refused(
        "verification_pending", runs.request_verification, AuditVerification, actor=actor, alliance=scene.alliance
    )
    assert "has been running since" in refusal.message
    # through the page: the refusal is shown on the audit page, in words
    client.force_login(users["oversight"])
    response = client.post(REQUEST, follow=True)
    assert "has been running since" in response.content.decode()
    assert AuditVerification.objects.count() == 1
    # and through the API
    response = token_client(users["staff"]).post(API, {"alliance": "dunmarrow"}, format="json")
    assert response.status_code == 409 and "has been running since" in response.json()["detail"]
    assert AuditVerification.objects.count() == 1


# Running -------------------------------------------------------------------------------------


def test_an_intact_chain_passes_with_its_links_and_checkpoint_size(client, scene, users):
    chain = f"alliance:{scene.alliance.pk}"
    kept = checkpoint.take(chain)
    runs.request_verification(actor=actor_for(users["oversight"]), alliance=scene.alliance)
    out = run_all()
    run = AuditVerification.objects.get()
    links = AuditLink.objects.filter(chain=chain).count()
    assert links > 0
    assert (run.status, run.links_checked, run.checkpoint, run.problems) == ("passed", links, kept, [])
    assert run.started_at and run.finished_at
    assert "intact" in out
    client.force_login(users["oversight"])
    page = client.get(PAGE).content.decode()
    assert "Intact." in page and f"{links} links checked" in page
    assert f"({kept.size} links)" in page and "Asked for by Iona Auditor" in page
    listing = client.get(REQUEST).content.decode()
    assert "Intact." in listing


def test_a_tampered_chain_fails_with_its_problems_listed_on_the_page(client, scene, users):
    chain = f"alliance:{scene.alliance.pk}"
    checkpoint.take(chain)
    last = AuditLink.objects.filter(chain=chain).order_by("-seq").first()
    drop_link_triggers()
    sql("UPDATE alliance_historicalmembership SET status = 'ADVISORY'")
    sql("DELETE FROM alliance_auditlink WHERE id = %s", [last.pk])  # a cut tail, the head reset behind it
    sql(
        "UPDATE alliance_auditchainhead SET last_seq = %s, last_hash = %s WHERE chain = %s",
        [last.seq - 1, last.prev_hash, chain],
    )
    runs.request_verification(actor=actor_for(users["oversight"]), alliance=scene.alliance)
    assert "0 intact, 1 not" in run_broken()
    run = AuditVerification.objects.get()
    assert run.status == "failed" and run.checkpoint is None
    assert any("its history row or the link itself was altered" in p for p in run.problems)
    assert any(f"link #{last.seq} was removed from the end of the chain after it was taken" in p for p in run.problems)
    client.force_login(users["oversight"])
    page = client.get(PAGE).content.decode()
    assert "Broken." in page and "its history row" in page
    assert "removed from the end of the chain after it was taken" in page


def test_a_kept_checkpoint_that_does_not_verify_is_a_problem(scene, users):
    chain = f"alliance:{scene.alliance.pk}"
    good = checkpoint.take(chain)
    stranger = checkpoint.new_signer("forger.example")
    note = stranger.sign(checkpoint.body(checkpoint.origin_of(chain), good.size, bytes(32), good.taken_at))
    AuditCheckpoint.objects.create(
        chain=chain, size=good.size, root_hash="0" * 64, taken_at=good.taken_at, key_name="forger.example",
        key_id=stranger.id.hex(), note=note,
    )  # fmt: skip
    runs.request_verification(actor=actor_for(users["oversight"]), alliance=scene.alliance)
    run_broken()
    run = AuditVerification.objects.get()
    assert run.status == "failed"
    assert any("does not verify" in p and "forger.example" in p for p in run.problems)
    assert run.checkpoint == good  # the older checkpoint, whose note verifies, is still proven


def test_an_exception_is_recorded_as_could_not_finish(client, scene, users, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("the disk holding the database is full")

    monkeypatch.setattr(verify, "verify", fail)
    runs.request_verification(actor=actor_for(users["oversight"]), alliance=scene.alliance)
    run_broken()
    run = AuditVerification.objects.get()
    assert run.status == "error" and run.finished_at
    assert run.problems == ["The verification stopped before it finished: the disk holding the database is full"]
    client.force_login(users["oversight"])
    page = client.get(PAGE).content.decode()
    assert "Could not finish." in page and "the disk holding the database is full" in page


def test_a_run_already_taken_is_not_run_twice(scene, users):
    run = runs.request_verification(actor=actor_for(users["oversight"]), alliance=scene.alliance)
    AuditVerification.objects.filter(pk=run.pk).update(status="running")
    assert runs.run_verification(run).status == "running"
    assert "0 verification(s) run" in run_all()


def test_a_run_left_running_by_a_dead_process_is_marked_could_not_finish(scene, users):
    run = runs.request_verification(actor=actor_for(users["oversight"]), alliance=scene.alliance)
    AuditVerification.objects.filter(pk=run.pk).update(
        status="running", started_at=run.requested_at - runs.STALE_AFTER * 2
    )
    run_all()
    run.refresh_from_db()
    assert run.status == "error" and "ended without recording a result" in run.problems[0]
    assert runs.request_verification(actor=actor_for(users["oversight"]), alliance=scene.alliance).status == "queued"


def test_the_scheduled_run_records_every_alliance_and_every_chain(scene):
    other = AllianceFactory(slug="elsewhere")
    out = run_all("--scheduled")
    assert "3 scheduled verification(s) queued" in out
    done = {r.alliance_id: r for r in AuditVerification.objects.all()}
    assert set(done) == {scene.alliance.pk, other.pk, None}
    assert all(r.scheduled and r.status == "passed" and r.requested_by is None for r in done.values())
    assert done[None].links_checked == AuditLink.objects.count()


def test_run_takes_one_queued_run_only(scene, users):
    first = runs.request_verification(actor=actor_for(users["oversight"]), alliance=scene.alliance)
    second = runs.schedule(None)
    run_all("--run", str(second.pk))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("queued", "passed")
    with pytest.raises(CommandError, match="No audit verification has the id"):
        run_all("--run", "999999")


# Not inside the request ----------------------------------------------------------------------


class FakePopen:
    calls: list = []

    def __init__(self, command, **kwargs):
        FakePopen.calls.append((command, kwargs))


def test_the_background_launch_starts_the_command_for_the_run(
    client, scene, users, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.AUDIT_VERIFY_IN_BACKGROUND = True
    FakePopen.calls = []
    monkeypatch.setattr(runs.subprocess, "Popen", FakePopen)
    client.force_login(users["oversight"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REQUEST)
    run = AuditVerification.objects.get()
    assert run.status == "queued"  # the request did not run it
    [(command, kwargs)] = FakePopen.calls
    assert command[-3:] == ["run_audit_verifications", "--run", str(run.pk)]
    assert command[1].endswith("manage.py")
    assert kwargs["close_fds"] and kwargs["start_new_session"]


def test_no_background_launch_when_the_setting_is_off(
    client, scene, users, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.AUDIT_VERIFY_IN_BACKGROUND = False
    FakePopen.calls = []
    monkeypatch.setattr(runs.subprocess, "Popen", FakePopen)
    client.force_login(users["oversight"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(REQUEST)
    assert AuditVerification.objects.get().status == "queued"
    assert FakePopen.calls == []


# Reading -------------------------------------------------------------------------------------


def test_the_api_lists_runs_to_oversight_and_staff_only(scene, users):
    mine = AuditVerificationFactory(alliance=scene.alliance, problems=[])
    AuditVerificationFactory(alliance=AllianceFactory(slug="third"))
    whole = AuditVerificationFactory(alliance=None)
    listed = token_client(users["oversight"]).get(API, {"alliance": "dunmarrow"}).json()
    assert [r["id"] for r in listed["results"]] == [mine.pk]
    assert listed["results"][0]["status_label"] == "Intact"
    assert token_client(users["oversight"]).get(API).json()["count"] == 1
    assert whole.pk in [r["id"] for r in token_client(users["staff"]).get(API).json()["results"]]
    for who in ("secretary", "member", "viewer", "other oversight"):
        assert token_client(users[who]).get(API).json()["count"] == 0
        assert token_client(users[who]).get(f"{API}{mine.pk}/").status_code == 404


def test_the_verifications_page_is_for_oversight_and_staff(client, scene, users):
    AuditVerificationFactory(alliance=scene.alliance)
    for who, code in [
        ("oversight", 200),
        ("staff", 200),
        ("secretary", 403),
        ("member", 403),
        ("other oversight", 404),
    ]:
        client.force_login(users[who])
        assert client.get(REQUEST).status_code == code, who


def test_the_verifications_list_reads_in_a_fixed_number_of_queries(client, scene, users):
    client.force_login(users["oversight"])
    api = token_client(users["oversight"])
    requester = users["staff"]
    AuditVerificationFactory.create_batch(2, alliance=scene.alliance, requested_by=requester, scheduled=False)
    with CaptureQueriesContext(connection) as few:
        assert client.get(REQUEST).status_code == 200
    with CaptureQueriesContext(connection) as few_api:
        assert api.get(API, {"alliance": "dunmarrow"}).json()["count"] == 2
    kept = checkpoint.take(f"alliance:{scene.alliance.pk}")
    AuditVerificationFactory.create_batch(
        20, alliance=scene.alliance, requested_by=requester, scheduled=False, checkpoint=kept, status="failed",
        problems=["Something was changed."],
    )  # fmt: skip
    with CaptureQueriesContext(connection) as many:
        response = client.get(REQUEST)
    assert response.status_code == 200 and "Something was changed." in response.content.decode()
    assert len(many) == len(few)
    with CaptureQueriesContext(connection) as many_api:
        listed = api.get(API, {"alliance": "dunmarrow"}).json()
    assert listed["count"] == 22 and listed["results"][0]["checkpoint_size"] == kept.size
    assert len(many_api) == len(few_api)


def test_request_without_an_alliance_is_for_staff(users):
    with pytest.raises(RuleViolation) as info:
        runs.request_verification(actor=actor_for(users["oversight"]), alliance=None)
    assert info.value.code == "not_permitted"
    assert runs.request_verification(actor=actor_for(users["staff"]), alliance=None).alliance is None
    assert rows(AuditVerification) == {"AuditVerification": 1}


def test_verify_audit_record_records_its_run_as_oversight_sees_it(scene):
    kept = checkpoint.take(f"alliance:{scene.alliance.pk}")
    out = StringIO()
    call_command("verify_audit", "--alliance", "dunmarrow", "--record", "--jobs", "1", stdout=out, stderr=StringIO())
    run = AuditVerification.objects.get()
    assert (run.status, run.scheduled, run.checkpoint, run.alliance) == ("passed", True, kept, scene.alliance)
    assert f"extends its signed checkpoint at #{kept.size}" in out.getvalue() and "Audit chain intact" in out.getvalue()
    sql("UPDATE alliance_historicalmembership SET status = 'ADVISORY'")
    with pytest.raises(CommandError, match="Audit chain broken"):
        call_command(
            "verify_audit", "--alliance", "dunmarrow", "--record", "--jobs", "1", stdout=out, stderr=StringIO()
        )
    assert AuditVerification.objects.order_by("-pk").first().status == "failed"
