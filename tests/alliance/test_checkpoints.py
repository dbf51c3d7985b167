"""Signed checkpoints (alliance/audit/checkpoint.py), their Merkle trees (alliance/audit/merkle.py) and
who a link records (issue 20, parts 1 and 3)."""

import base64
import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from alliance.audit import checkpoint, merkle, verify
from alliance.audit.chain import NO_ALLIANCE
from alliance.errors import RuleViolation
from alliance.models import AuditCheckpoint, AuditLink
from tests.factories import AllianceFactory, OrganisationFactory, PersonFactory, UserFactory

# RFC 6962's test leaves and the roots of their first n (certificate-transparency's merkle_tree_test).
RFC6962_LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]
RFC6962_ROOTS = {
    1: "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    2: "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    3: "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    4: "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    5: "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    6: "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    7: "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    8: "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
}


# Merkle trees ------------------------------------------------------------------------------


def test_the_tree_hashes_as_rfc_6962_does():
    leaves = [merkle.leaf_hash(d) for d in RFC6962_LEAVES]
    assert merkle.root_of_leaves([]).hex() == hashlib.sha256(b"").hexdigest()
    for n, expected in RFC6962_ROOTS.items():
        assert merkle.root_of_leaves(leaves[:n]).hex() == expected


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13, 33])
def test_every_leaf_has_an_inclusion_proof_and_a_wrong_leaf_has_none(size):
    leaves = [merkle.leaf_hash(bytes([i])) for i in range(size)]
    root = merkle.root_of_leaves(leaves)
    for index in range(size):
        proof = merkle.inclusion_proof(index, leaves)
        assert merkle.verify_inclusion(index, size, leaves[index], proof, root)
        assert not merkle.verify_inclusion(index, size, merkle.leaf_hash(b"forged"), proof, root)


@pytest.mark.parametrize("size", [1, 2, 7, 8, 9, 20])
def test_each_earlier_tree_is_proven_a_prefix_of_a_later_one(size):
    leaves = [merkle.leaf_hash(bytes([i])) for i in range(size)]
    root = merkle.root_of_leaves(leaves)
    for old in range(1, size + 1):
        proof = merkle.consistency_proof(old, leaves)
        old_root = merkle.root_of_leaves(leaves[:old])
        assert merkle.verify_consistency(old, size, old_root, root, proof)
        if old < size:
            assert not merkle.verify_consistency(old, size, merkle.leaf_hash(b"rewritten"), root, proof)


# Keys and signed notes ---------------------------------------------------------------------


def test_a_key_reads_back_as_written_and_signs_a_note_its_verifier_accepts():
    key = checkpoint.new_signer("tracker.example.org")
    again = checkpoint.parse_signer(key.encoded())
    assert again.public == key.public
    verifier = checkpoint.parse_verifier(key.verifier().encoded())
    made = checkpoint.Checkpoint
    note = key.sign(checkpoint.body("tracker.example.org/audit/alliance-1", 3, b"\x07" * 32, _moment()))
    read = checkpoint.read_checkpoint(note, keys=[verifier])
    assert isinstance(read, made)
    assert (read.origin, read.size, read.root, read.key_name) == (
        "tracker.example.org/audit/alliance-1",
        3,
        b"\x07" * 32,
        "tracker.example.org",
    )
    assert read.taken_at == _moment()


def test_the_note_is_a_c2sp_signed_note():
    """Body lines, a blank line, then an em-dash signature line whose base64 holds the 4-byte key id
    (SHA-256 of name, newline, 0x01 and the public key) and the 64-byte Ed25519 signature."""
    key = checkpoint.new_signer("tracker.example.org")
    note = key.sign(checkpoint.body("tracker.example.org/audit/none", 12, b"\x01" * 32, _moment()))
    text, blank, signature = note.partition("\n\n")
    assert blank and text.split("\n") == [
        "tracker.example.org/audit/none",
        "12",
        base64.b64encode(b"\x01" * 32).decode(),
        "time 2026-12-01T09:30:00Z",
    ]
    assert signature.startswith("\u2014 tracker.example.org ") and signature.endswith("\n")
    raw = base64.b64decode(signature.split(" ")[2])
    assert raw[:4] == hashlib.sha256(b"tracker.example.org\n\x01" + key.public).digest()[:4]
    assert len(raw) == 68


def test_a_checkpoint_signed_by_an_unknown_key_is_refused():
    stranger = checkpoint.new_signer("tracker.test")  # the same name, another key
    note = stranger.sign(checkpoint.body(checkpoint.origin_of(NO_ALLIANCE), 1, b"\x00" * 32, _moment()))
    with pytest.raises(checkpoint.CheckpointError, match="no signature verifies with a key this server knows"):
        checkpoint.read_checkpoint(note)


def test_a_checkpoint_changed_after_signing_is_refused():
    note = checkpoint.sign_checkpoint(NO_ALLIANCE, 5, b"\x02" * 32, _moment()).note
    forged = note.replace("\n5\n", "\n4\n", 1)
    with pytest.raises(checkpoint.CheckpointError, match="changed after it was signed"):
        checkpoint.read_checkpoint(forged)
    assert checkpoint.read_checkpoint(note).size == 5


@pytest.mark.parametrize(
    "text, words",
    [
        ("just words", "no blank line"),
        ("origin\nfive\nAAAA\n\n\u2014 k AAAA\n", "is not a number"),
        ("origin\n5\nnot base64!\n\n\u2014 k AAAA\n", "not base64"),
        ("origin\n5\nAAAA\n\n\u2014 k AAAA\n", "not 32 bytes"),
        (f"origin\n5\n{base64.b64encode(bytes(32)).decode()}\n\n- k AAAA\n", "em dash"),
    ],
)
def test_a_malformed_checkpoint_says_what_is_wrong(text, words):
    with pytest.raises(checkpoint.CheckpointError, match=words):
        checkpoint.read_checkpoint(text)


def test_after_a_key_rotation_checkpoints_signed_with_the_old_key_still_verify(settings):
    old_note = checkpoint.sign_checkpoint(NO_ALLIANCE, 2, b"\x03" * 32, _moment()).note
    old_verifier = checkpoint.signer().verifier().encoded()
    settings.AUDIT_SIGNING_KEY = checkpoint.new_signer("tracker.test").encoded()
    with pytest.raises(checkpoint.CheckpointError):
        checkpoint.read_checkpoint(old_note)
    settings.AUDIT_VERIFIER_KEYS = [old_verifier]
    assert checkpoint.read_checkpoint(old_note).size == 2
    new_note = checkpoint.sign_checkpoint(NO_ALLIANCE, 3, b"\x03" * 32, _moment()).note
    assert checkpoint.read_checkpoint(new_note).size == 3


def test_without_a_key_the_server_refuses_to_sign_and_says_how_to_make_one(settings):
    settings.AUDIT_SIGNING_KEY = ""
    settings.AUDIT_SIGNING_KEY_FILE = ""
    with pytest.raises(RuleViolation, match="manage.py make_audit_key"):
        checkpoint.signer()


def test_a_key_file_that_cannot_be_read_is_named(settings, tmp_path):
    settings.AUDIT_SIGNING_KEY = ""
    settings.AUDIT_SIGNING_KEY_FILE = str(tmp_path / "missing.key")
    with pytest.raises(RuleViolation, match="missing.key cannot be read"):
        checkpoint.signer()


def test_make_audit_key_writes_a_private_file_the_server_signs_with(settings, tmp_path, capsys):
    path = tmp_path / "audit.key"
    call_command("make_audit_key", "--file", str(path), "--name", "tracker.example.org")
    assert path.stat().st_mode & 0o777 == 0o600
    settings.AUDIT_SIGNING_KEY = ""
    settings.AUDIT_SIGNING_KEY_FILE = str(path)
    assert checkpoint.signer().name == "tracker.example.org"
    assert checkpoint.signer().verifier().encoded() in capsys.readouterr().out
    with pytest.raises(CommandError, match="never overwritten"):
        call_command("make_audit_key", "--file", str(path))


# Taking checkpoints ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_checkpoint_commits_to_the_merkle_root_of_the_chain_and_verifies():
    alliance = AllianceFactory()
    chain = f"alliance:{alliance.pk}"
    made = checkpoint.take(chain)
    hashes = list(AuditLink.objects.filter(chain=chain).order_by("seq").values_list("hash", flat=True))
    assert made.size == len(hashes) > 0
    assert made.root_hash == merkle.root(hashes).hex()
    read = checkpoint.read_checkpoint(made.note)
    assert read.origin == f"tracker.test/audit/alliance-{alliance.pk}"
    assert checkpoint.chain_of_origin(read.origin) == chain
    assert read.root.hex() == made.root_hash


@pytest.mark.django_db
def test_an_unchanged_chain_is_not_checkpointed_twice_unless_forced():
    chain = f"alliance:{AllianceFactory().pk}"
    assert checkpoint.take(chain) is not None
    assert checkpoint.take(chain) is None
    assert checkpoint.take(chain, force=True) is not None
    assert AuditCheckpoint.objects.filter(chain=chain).count() == 2


@pytest.mark.django_db
def test_take_checkpoint_takes_one_per_grown_chain(capsys):
    AllianceFactory()
    call_command("take_checkpoint")
    chains = verify.all_chains()
    assert set(AuditCheckpoint.objects.values_list("chain", flat=True)) == set(chains)
    call_command("take_checkpoint")
    assert AuditCheckpoint.objects.count() == len(chains)
    assert "0 checkpoint(s) taken" in capsys.readouterr().out


@pytest.mark.django_db
def test_take_checkpoint_without_a_key_fails_saying_how_to_make_one_and_keeps_nothing(settings):
    AllianceFactory()
    settings.AUDIT_SIGNING_KEY = ""
    with pytest.raises(CommandError, match="make_audit_key"):
        call_command("take_checkpoint")
    assert not AuditCheckpoint.objects.exists()


@pytest.mark.django_db
def test_take_checkpoint_names_an_unknown_alliance():
    with pytest.raises(CommandError, match="No alliance has the slug 'nowhere'"):
        call_command("take_checkpoint", "--alliance", "nowhere")


@pytest.mark.django_db
def test_the_database_refuses_to_change_or_delete_a_checkpoint():
    made = checkpoint.take(f"alliance:{AllianceFactory().pk}")
    for sql in (
        "UPDATE alliance_auditcheckpoint SET size = 1 WHERE id = %s",
        "DELETE FROM alliance_auditcheckpoint WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [made.pk])
    assert AuditCheckpoint.objects.get(pk=made.pk).size == made.size


# Who a link records (part 3) ---------------------------------------------------------------


@pytest.mark.django_db
def test_a_link_records_the_username_and_the_persons_name_at_the_time():
    user = UserFactory(username="priya")
    PersonFactory(name="Priya Raman", user=user)
    _change_as(user, OrganisationFactory())
    link = AuditLink.objects.filter(object_model="alliance.organisation").order_by("-id").first()
    assert (link.user_id, link.username, link.person_name) == (user.pk, "priya", "Priya Raman")
    assert verify.verify() == []


@pytest.mark.django_db
def test_changing_the_recorded_identity_of_a_link_breaks_it():
    user = UserFactory(username="sam")
    _change_as(user, OrganisationFactory())
    link = _link_by(user)
    _without_link_guard(
        lambda cursor: cursor.execute("UPDATE alliance_auditlink SET username = 'someone' WHERE id = %s", [link.pk])
    )
    problems = verify.verify()
    assert any(p.kind == "altered" and f"#{link.seq}" in p.message for p in problems)


@pytest.mark.django_db
def test_renaming_an_account_outside_the_application_is_found():
    user = UserFactory(username="alex")
    assert verify.verify() == []
    with connection.cursor() as cursor:
        cursor.execute("UPDATE auth_user SET username = 'someone-else' WHERE id = %s", [user.pk])
    problems = verify.verify()
    drift = [p.message for p in problems if p.kind == "drift"]
    assert any(f"auth.user {user.pk}" in message and "'username'" in message for message in drift)


@pytest.mark.django_db
def test_a_rename_through_the_application_is_recorded_and_not_a_problem():
    user = UserFactory(username="alex")
    user.username = "alex.jones"
    user.save()
    names = list(user.history.values_list("username", flat=True))
    assert names[0] == "alex.jones" and set(names[1:]) == {"alex"}
    assert verify.verify() == []


@pytest.mark.django_db
def test_a_login_is_not_an_identity_change(client):
    user = UserFactory(username="dana")
    user.set_password("a-long-password-1")
    user.save()
    versions = user.history.count()
    assert client.login(username="dana", password="a-long-password-1")
    assert user.history.count() == versions
    assert verify.verify() == []


# helpers -----------------------------------------------------------------------------------


def _moment():
    from datetime import UTC, datetime

    return datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def _change_as(user, record) -> None:
    """Save ``record`` as ``user`` would through a page (simple-history's acting user)."""
    record.name = f"{record.name} (renamed)"
    record._history_user = user
    record.save()


def _link_by(user):
    return AuditLink.objects.filter(user_id=user.pk).order_by("-id").first()


def _without_link_guard(change) -> None:
    """Run a change on audit links with the database's append-only guard lifted, as an attacker with
    the database's administrator rights would."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER alliance_auditlink_no_update")
        else:
            cursor.execute("ALTER TABLE alliance_auditlink DISABLE TRIGGER alliance_auditlink_append_only")
        change(cursor)


@pytest.mark.django_db
def test_the_trail_shows_who_made_a_change_as_they_were_then_and_what_they_are_called_now():
    from alliance.history import feed_entries

    user = UserFactory(username="priya")
    PersonFactory(name="Priya Raman", user=user)
    _change_as(user, OrganisationFactory())
    link = _link_by(user)
    with connection.cursor() as cursor:  # renamed behind the application's back
        cursor.execute("UPDATE auth_user SET username = 'someone-else' WHERE id = %s", [user.pk])
    (entry,) = feed_entries([link])
    assert entry["user"] == "priya"
    assert entry["by"] == "Priya Raman (priya), now someone-else"
