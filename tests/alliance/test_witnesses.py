"""Witnesses outside the database (issue 20, part 2): checkpoints served per alliance, inclusion and
consistency proofs an outsider checks, checkpoints emailed to oversight (alliance/audit/proofs.py,
alliance/checkpoint_views.py, api/views/audit.py, roles/witness.py)."""

import base64
import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from alliance.audit import checkpoint, merkle, proofs
from alliance.models import AuditCheckpoint, AuditLink, Notification, NotificationKind
from roles.models import AccessGrant, Role
from tests.factories import (
    AllianceFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

STANDINGS = ["anonymous", "viewer", "secretary", "oversight", "staff", "other alliance"]


def _grant(user, alliance, standing):
    AccessGrant.objects.create(user=user, alliance=alliance, standing=standing, starts_on=date(2020, 1, 1))
    return user


def _hold(user, alliance, kind, title):
    RoleAssignmentFactory(role=RoleFactory(alliance=alliance, kind=kind, title=title), person=PersonFactory(user=user))
    return user


def _grow(alliance, times=1):
    for n in range(times):
        alliance.purpose = f"{alliance.purpose} ({n})"
        alliance.save()


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    alliance = AllianceFactory(publish_register=False)
    other = AllianceFactory()
    users = {
        "anonymous": None,
        "viewer": _grant(UserFactory(), alliance, "viewer"),
        "secretary": _hold(UserFactory(), alliance, Role.Kind.SECRETARY, "Secretary"),
        "oversight": _hold(UserFactory(), alliance, Role.Kind.OVERSIGHT_MEMBER, "Oversight Group member"),
        "staff": StaffFactory(),
        "other alliance": _grant(UserFactory(), other, "oversight"),
    }
    with django_capture_on_commit_callbacks(execute=True):  # its email is planned when the transaction commits
        first = checkpoint.take(f"alliance:{alliance.pk}")
    _grow(alliance, 3)
    second = checkpoint.take(f"alliance:{alliance.pk}")
    return {"alliance": alliance, "users": users, "first": first, "second": second}


def client_for(user):
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


# Served at a stable address, per standing ----------------------------------------------------


PAGE_CODES = {"anonymous": 302, "viewer": 403, "secretary": 200, "oversight": 200, "staff": 200, "other alliance": 404}


@pytest.mark.parametrize("standing", STANDINGS)
def test_the_checkpoints_of_an_unpublished_alliance_are_for_oversight_and_confidential_readers(world, standing):
    slug, kept = world["alliance"].slug, world["second"]
    client = client_for(world["users"][standing])
    expected = PAGE_CODES[standing]
    latest = client.get(f"/alliances/{slug}/audit/checkpoint")
    page = client.get(f"/alliances/{slug}/audit/checkpoints/")
    download = client.get(f"/alliances/{slug}/audit/checkpoints/{kept.pk}.txt")
    assert (latest.status_code, page.status_code, download.status_code) == (expected, expected, expected)
    api = client.get(f"/api/v1/audit/checkpoints/latest/?alliance={slug}")
    listed = client.get(f"/api/v1/audit/checkpoints/?alliance={slug}")
    if expected == 200:
        assert api.status_code == listed.status_code == 200
        assert latest.content.decode() == kept.note
        assert latest["Content-Type"].startswith("text/plain")
        assert download["Content-Disposition"] == f'attachment; filename="{slug}-checkpoint-{kept.size}.txt"'
        assert download.content.decode() == kept.note
        assert api.json()["note"] == kept.note
        assert [c["size"] for c in listed.json()["results"]] == [world["second"].size, world["first"].size]
    else:
        assert kept.note not in latest.content.decode() + download.content.decode()
        assert api.status_code == 404
        assert listed.status_code == 404 if standing != "viewer" else listed.json()["results"] == []


def test_an_alliance_that_publishes_its_register_publishes_its_checkpoints(world):
    alliance = world["alliance"]
    alliance.publish_register = True
    alliance.save()
    anonymous = APIClient()
    answer = anonymous.get(f"/alliances/{alliance.slug}/audit/checkpoint")
    assert answer.status_code == 200
    assert answer.content.decode() == AuditCheckpoint.objects.filter(chain=f"alliance:{alliance.pk}").first().note
    assert anonymous.get(f"/alliances/{alliance.slug}/audit/checkpoints/").status_code == 200
    assert anonymous.get(f"/api/v1/audit/checkpoints/latest/?alliance={alliance.slug}").status_code == 200
    # ...but not the audit trail itself: a proof names a change, read under the trail's rule.
    assert anonymous.get(f"/api/v1/audit/proof/?alliance={alliance.slug}&seq=1").status_code == 404


def test_the_served_note_is_the_signed_checkpoint_and_the_api_describes_it(world):
    kept = world["second"]
    client = client_for(world["users"]["oversight"])
    data = client.get(f"/api/v1/audit/checkpoints/latest/?alliance={world['alliance'].slug}").json()
    read = checkpoint.read_checkpoint(
        client.get(f"/alliances/{world['alliance'].slug}/audit/checkpoint").content.decode()
    )
    assert (read.size, read.root.hex()) == (kept.size, kept.root_hash)
    assert data["origin"] == read.origin == f"tracker.test/audit/alliance-{world['alliance'].pk}"
    assert base64.b64decode(data["root_hash"]).hex() == data["root_hash_hex"] == kept.root_hash
    assert (data["key_name"], data["key_id"]) == (kept.key_name, kept.key_id)
    assert data["download"].endswith(f"/audit/checkpoints/{kept.pk}.txt")


def test_another_alliances_checkpoint_is_not_served_through_this_alliances_address(world):
    elsewhere = AllianceFactory(publish_register=False)
    theirs = checkpoint.take(f"alliance:{elsewhere.pk}")
    client = client_for(world["users"]["oversight"])
    assert client.get(f"/alliances/{world['alliance'].slug}/audit/checkpoints/{theirs.pk}.txt").status_code == 404
    assert client.get(f"/alliances/{elsewhere.slug}/audit/checkpoints/{theirs.pk}.txt").status_code == 404


def test_the_api_asks_for_the_alliance_and_names_an_unknown_one(world):
    client = client_for(world["users"]["oversight"])
    assert client.get("/api/v1/audit/checkpoints/").status_code == 400
    assert client.get("/api/v1/audit/checkpoints/latest/?alliance=nowhere").status_code == 404


def test_before_the_first_checkpoint_the_latest_is_not_found_and_the_page_says_so():
    alliance = AllianceFactory(publish_register=True)
    assert APIClient().get(f"/alliances/{alliance.slug}/audit/checkpoint").status_code == 404
    page = APIClient().get(f"/alliances/{alliance.slug}/audit/checkpoints/").content.decode()
    assert "No checkpoint has been taken yet" in page


def test_the_page_explains_why_to_keep_copies_and_how_to_check_them(world):
    page = client_for(world["users"]["oversight"]).get(f"/alliances/{world['alliance'].slug}/audit/checkpoints/")
    text = page.content.decode()
    assert "Why keep copies" in text and "verify_audit --checkpoint FILE-or-URL" in text
    assert f"/audit/checkpoints/{world['first'].pk}.txt" in text
    assert checkpoint.signer().verifier().encoded() in text
    assert "these checkpoints prove nothing" not in text


def test_a_server_signing_with_the_demo_key_says_its_checkpoints_prove_nothing(world, settings):
    settings.AUDIT_SIGNING_KEY = settings.DEMO_AUDIT_SIGNING_KEY
    assert proofs.demo_key_in_use()
    page = client_for(world["users"]["oversight"]).get(f"/alliances/{world['alliance'].slug}/audit/checkpoints/")
    assert "This is the demo's published key: these checkpoints prove nothing" in page.content.decode()


# Inclusion proofs ---------------------------------------------------------------------------


def _proof(client, alliance, seq, size=None):
    extra = f"&size={size}" if size else ""
    return client.get(f"/api/v1/audit/proof/?alliance={alliance.slug}&seq={seq}{extra}")


def test_an_inclusion_proof_verifies_against_the_checkpoint_and_fails_when_tampered(world):
    alliance, kept = world["alliance"], world["second"]
    client = client_for(world["users"]["oversight"])
    for seq in range(1, kept.size + 1):
        data = _proof(client, alliance, seq).json()
        assert (data["seq"], data["leaf_index"], data["tree_size"]) == (seq, seq - 1, kept.size)
        assert data["checkpoint"]["note"] == kept.note
        link = AuditLink.objects.get(chain=f"alliance:{alliance.pk}", seq=seq)
        assert data["link_hash"] == link.hash
        path = [base64.b64decode(h) for h in data["proof"]]
        root = bytes.fromhex(kept.root_hash)
        assert merkle.verify_inclusion(seq - 1, kept.size, merkle.link_leaf(link.hash), path, root)
        forged = merkle.link_leaf("ab" * 32)
        assert not merkle.verify_inclusion(seq - 1, kept.size, forged, path, root)
        if path:
            assert not merkle.verify_inclusion(
                seq - 1, kept.size, merkle.link_leaf(link.hash), path[::-1] + [b"x" * 32], root
            )


def test_a_proof_against_an_earlier_checkpoint_names_its_size(world):
    first = world["first"]
    data = _proof(client_for(world["users"]["oversight"]), world["alliance"], 1, first.size).json()
    assert data["tree_size"] == first.size and data["checkpoint"]["note"] == first.note
    path = [base64.b64decode(h) for h in data["proof"]]
    assert merkle.verify_inclusion(
        0, first.size, merkle.link_leaf(data["link_hash"]), path, bytes.fromhex(first.root_hash)
    )


@pytest.mark.parametrize(
    "query, code, words",
    [
        ("seq=999", 404, "no change #999"),
        ("seq=1&size=999", 400, "No kept checkpoint"),
        ("seq=0", 400, "seq"),
        ("seq=one", 400, "seq"),
        ("", 400, "seq"),
    ],
)
def test_a_proof_that_cannot_be_given_says_why(world, query, code, words):
    answer = client_for(world["users"]["oversight"]).get(
        f"/api/v1/audit/proof/?alliance={world['alliance'].slug}&{query}"
    )
    assert answer.status_code == code
    assert words.lower() in answer.content.decode().lower()


def test_a_change_after_the_checkpoint_is_not_proven_in_it(world):
    _grow(world["alliance"])
    size = world["second"].size
    answer = _proof(client_for(world["users"]["oversight"]), world["alliance"], size + 1)
    assert answer.status_code == 400
    assert "after the checkpoint" in answer.json()["detail"]


@pytest.mark.parametrize("standing", ["anonymous", "viewer", "other alliance"])
def test_a_change_the_caller_may_not_read_has_no_proof(world, standing):
    assert _proof(client_for(world["users"][standing]), world["alliance"], 1).status_code == 404


def test_check_proof_verifies_a_downloaded_proof_with_the_verifier_key_alone(world, tmp_path, settings):
    client = client_for(world["users"]["oversight"])
    proof_file, note_file = tmp_path / "proof.json", tmp_path / "checkpoint.txt"
    proof_file.write_text(json.dumps(_proof(client, world["alliance"], 2).json()))
    note_file.write_text(world["second"].note)
    key = checkpoint.signer().verifier().encoded()
    settings.AUDIT_SIGNING_KEY = ""  # an outsider's machine: no signing key, no server keys
    out = StringIO()
    call_command("check_proof", str(proof_file), "--checkpoint", str(note_file), "--key", key, stdout=out)
    assert "holds" in out.getvalue()
    tampered = json.loads(proof_file.read_text())
    tampered["link_hash"] = "00" * 32
    proof_file.write_text(json.dumps(tampered))
    with pytest.raises(CommandError, match="does not hold"):
        call_command("check_proof", str(proof_file), "--checkpoint", str(note_file), "--key", key, stdout=StringIO())


def test_check_proof_refuses_a_checkpoint_signed_by_another_key(world, tmp_path):
    proof_file, note_file = tmp_path / "proof.json", tmp_path / "checkpoint.txt"
    proof_file.write_text(json.dumps(_proof(client_for(world["users"]["oversight"]), world["alliance"], 1).json()))
    note_file.write_text(world["second"].note)
    stranger = checkpoint.new_signer("tracker.test").verifier().encoded()
    with pytest.raises(CommandError, match="no signature verifies"):
        call_command("check_proof", str(proof_file), "--checkpoint", str(note_file), "--key", stranger)


# Consistency proofs -------------------------------------------------------------------------


def test_a_consistency_proof_shows_the_later_checkpoint_extends_the_earlier(world):
    first, second = world["first"], world["second"]
    answer = client_for(world["users"]["oversight"]).get(
        f"/api/v1/audit/consistency/?alliance={world['alliance'].slug}&from={first.size}&to={second.size}"
    )
    assert answer.status_code == 200
    data = answer.json()
    assert (data["from_checkpoint"]["size"], data["to_checkpoint"]["size"]) == (first.size, second.size)
    path = [base64.b64decode(h) for h in data["proof"]]
    old, new = bytes.fromhex(first.root_hash), bytes.fromhex(second.root_hash)
    assert merkle.verify_consistency(first.size, second.size, old, new, path)
    assert not merkle.verify_consistency(first.size, second.size, merkle.leaf_hash(b"rewritten"), new, path)


@pytest.mark.parametrize(
    "query, code",
    [("from=999&to={second}", 400), ("from={second}&to={first}", 400), ("from=1", 400), ("from=0&to={second}", 400)],
)
def test_a_consistency_proof_between_checkpoints_not_kept_is_refused(world, query, code):
    query = query.format(first=world["first"].size, second=world["second"].size)
    answer = client_for(world["users"]["oversight"]).get(
        f"/api/v1/audit/consistency/?alliance={world['alliance'].slug}&{query}"
    )
    assert answer.status_code == code


def test_no_consistency_proof_for_a_reader_who_may_not_read_the_checkpoints(world):
    query = f"alliance={world['alliance'].slug}&from={world['first'].size}&to={world['second'].size}"
    for standing in ("viewer", "other alliance"):
        assert client_for(world["users"][standing]).get(f"/api/v1/audit/consistency/?{query}").status_code in (400, 404)


# Emailed to oversight ---------------------------------------------------------------------------


def test_each_oversight_member_and_no_one_else_is_sent_the_signed_note(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    alliance = world["alliance"]
    seated = _hold(UserFactory(), alliance, Role.Kind.OVERSIGHT_MEMBER, "Second oversight member")
    granted = _grant(UserFactory(email="granted@example.org"), alliance, "oversight")
    _grow(alliance)
    with django_capture_on_commit_callbacks(execute=True):
        kept = checkpoint.take(f"alliance:{alliance.pk}")
    notes = Notification.objects.filter(kind=NotificationKind.CHECKPOINT_TAKEN, event_key=f"checkpoint:{kept.pk}")
    oversight_emails = {
        world["users"]["oversight"].person.email.lower(),
        seated.person.email.lower(),
        "granted@example.org",
    }
    assert set(notes.values_list("recipient_email", flat=True)) == oversight_emails
    call_command("send_notifications", stdout=StringIO())
    sent = [m for m in mailoutbox if kept.note in m.body]
    assert sorted(m.to[0] for m in sent) == sorted(oversight_emails)
    assert all(kept.note in m.body and f"/alliances/{alliance.slug}/audit/checkpoints/" in m.body for m in sent)
    assert granted.email in {m.to[0] for m in sent}


def test_the_first_checkpoint_was_planned_for_oversight_when_taken(world):
    notes = Notification.objects.filter(event_key=f"checkpoint:{world['first'].pk}")
    assert list(notes.values_list("recipient_email", flat=True)) == [world["users"]["oversight"].person.email.lower()]
    assert notes.get().alliance == world["alliance"]


def test_a_checkpoint_whose_email_was_missed_is_caught_up_by_send_notifications(world, mailoutbox):
    # ``second`` was taken outside a committed transaction in the test, so no receiver ran: the producer finds it.
    assert not Notification.objects.filter(event_key=f"checkpoint:{world['second'].pk}").exists()
    call_command("send_notifications", stdout=StringIO())
    assert any(world["second"].note in m.body for m in mailoutbox)
    call_command("send_notifications", stdout=StringIO())
    assert sum(world["second"].note in m.body for m in mailoutbox) == 1


def test_a_broken_verification_is_told_to_each_oversight_member_and_no_one_else(world, mailoutbox):
    from django.utils import timezone

    from alliance.audit.runs import verification_failed
    from alliance.models import AuditVerification

    alliance = world["alliance"]
    moment = timezone.now()
    run = AuditVerification.objects.create(
        alliance=alliance,
        status=AuditVerification.Status.FAILED,
        requested_at=moment,
        finished_at=moment,
        problems=["link alliance:1#3 (decisions.vote 1): its history row or the link itself was altered."],
    )
    verification_failed.send(sender=AuditVerification, run=run)
    verification_failed.send(sender=AuditVerification, run=run)  # told once, however often it is sent
    notes = Notification.objects.filter(kind=NotificationKind.AUDIT_BROKEN, event_key=f"verification:{run.pk}")
    assert set(notes.values_list("recipient_email", flat=True)) == {world["users"]["oversight"].person.email.lower()}
    call_command("send_notifications", stdout=StringIO())
    (sent,) = [m for m in mailoutbox if "is broken" in m.subject]
    assert "its history row or the link itself was altered" in sent.body
    assert f"/alliances/{alliance.slug}/audit/" in sent.body
