"""Tampering by someone who can write SQL and read the code, but does not hold the signing key, is
found against a kept checkpoint: ``verify_audit --checkpoint FILE-or-URL`` (issue 20, parts 2 and 7).

Each attack is the one the issue tried on the demo: where the attacker covers their tracks well enough
that plain ``verify_audit`` passes (a cut tail with its head reset, a forged link with every link after
it recomputed), the test shows it passing, then failing with the kept checkpoint, naming what changed.

These tests run on SQLite by default and on PostgreSQL under ``DATABASE_URL`` (CI's second pass runs
every test there); the attacker's SQL lifts each database's own append-only triggers.
"""

import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, models

from alliance import services
from alliance.audit import checkpoint, merkle, witness
from alliance.audit.canonical import canonical
from alliance.audit.chain import LINK_FIELDS, link_hash, link_meta
from alliance.models import AuditChainHead, AuditCheckpoint, AuditLink
from decisions import services as decision_services
from decisions.models import Vote
from roles.standing import SYSTEM
from tests.factories import PersonFactory, UserFactory
from tests.scenes import CLOSED, make_scene

pytestmark = pytest.mark.django_db

OBJECTION = "We never agreed to this."


# The scene: a decision of Dunmarrow's ALT, three votes, closed; a checkpoint kept after each step.


class Decided:
    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.scene = make_scene()
        self.alliance = self.scene.alliance
        self.chain = f"alliance:{self.alliance.pk}"
        self.decision = self.scene.open()
        self.opened = self.keep("opened")
        self.votes = [self.scene.vote(self.decision, i, "AGREE") for i in range(3)]
        self.voted = self.keep("voted")
        decision_services.close_decision(actor=SYSTEM, decision=self.decision, closed_at=CLOSED)
        self.closed = self.keep("closed")

    def keep(self, name: str):
        """Take a checkpoint and keep its note in a file, as an oversight member keeps the email."""
        made = checkpoint.take(self.chain, force=True)
        path = self.tmp_path / f"{name}.checkpoint"
        path.write_text(made.note)
        made.path = path
        return made

    def last(self) -> int:
        return AuditLink.objects.filter(chain=self.chain).order_by("-seq").values_list("seq", flat=True).first()


@pytest.fixture
def decided(tmp_path):
    return Decided(tmp_path)


def verify(*args) -> str:
    out = StringIO()
    call_command("verify_audit", *args, "--jobs", "1", stdout=out, stderr=StringIO())
    return out.getvalue()


def broken(*args) -> tuple[str, str]:
    """The failure's one-line message, and everything written to stderr (each problem on a line)."""
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("verify_audit", *args, "--jobs", "1", stdout=StringIO(), stderr=err)
    return str(exc.value), err.getvalue()


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def lift_guards() -> None:
    """Drop the append-only triggers, as someone with the database owner's rights can."""
    if connection.vendor == "sqlite":
        for name in (
            "alliance_auditlink_no_update",
            "alliance_auditlink_no_delete",
            "alliance_auditchainhead_no_delete",
            "alliance_auditcheckpoint_no_update",
            "alliance_auditcheckpoint_no_delete",
        ):
            sql(f"DROP TRIGGER {name}")
    else:
        sql("DROP TRIGGER alliance_auditlink_append_only ON alliance_auditlink")
        sql("DROP TRIGGER alliance_auditchainhead_no_delete ON alliance_auditchainhead")
        sql("DROP TRIGGER alliance_auditcheckpoint_append_only ON alliance_auditcheckpoint")


def table(label: str) -> str:
    return apps.get_model(label)._meta.db_table


def erase_after(chain: str, keep: int) -> list[AuditLink]:
    """A clean erasure of every change after link #keep: the links, their history rows and the records
    they created are deleted, the chain's head is set back to #keep, and the checkpoints kept in the
    database after it are deleted too. Returns the links removed."""
    lift_guards()
    removed = list(AuditLink.objects.filter(chain=chain, seq__gt=keep).order_by("-seq"))
    for link in removed:
        history = apps.get_model(link.history_model)
        sql(f"DELETE FROM {history._meta.db_table} WHERE {history._meta.pk.column} = %s", [link.history_id])
        domain = apps.get_model(link.object_model)
        if history.instance_type is not domain:  # a many-to-many row: kept with its parent's version
            continue
        pk = domain._meta.pk
        before = history.objects.filter(**{pk.attname: link.object_id}).order_by("-history_date", "-history_id")
        if before.exists():  # a change: the record goes back to its version before it, as stored
            values = {
                f.attname: getattr(before[0], f.attname) for f in domain._meta.concrete_fields if not f.primary_key
            }
            models.QuerySet(domain).filter(pk=link.object_id).update(**values)
        else:  # a creation: the record goes
            sql(f"DELETE FROM {domain._meta.db_table} WHERE {pk.column} = %s", [link.object_id])
    last = AuditLink.objects.get(chain=chain, seq=keep)
    sql("DELETE FROM alliance_auditlink WHERE chain = %s AND seq > %s", [chain, keep])
    sql("UPDATE alliance_auditchainhead SET last_seq = %s, last_hash = %s WHERE chain = %s", [keep, last.hash, chain])
    sql("DELETE FROM alliance_auditcheckpoint WHERE chain = %s AND size > %s", [chain, keep])
    return removed


def relink_from(chain: str, seq: int) -> None:
    """Recompute link #seq and every link after it with the public hashing functions, and move the
    chain's head to the new last hash: the chain is self-consistent again."""
    prev = AuditLink.objects.get(chain=chain, seq=seq - 1).hash if seq > 1 else "0" * 64
    for link in AuditLink.objects.filter(chain=chain, seq__gte=seq).order_by("seq"):
        row = apps.get_model(link.history_model)._default_manager.get(pk=link.history_id)
        digest = link_hash(prev, canonical(row), link_meta(tuple(getattr(link, f) for f in LINK_FIELDS)))
        sql("UPDATE alliance_auditlink SET prev_hash = %s, hash = %s WHERE id = %s", [prev, digest, link.pk])
        prev = digest
    sql("UPDATE alliance_auditchainhead SET last_hash = %s WHERE chain = %s", [prev, chain])


def forge_vote(decided: Decided, position: str = "OBJECT") -> AuditLink:
    """Turn the first vote from AGREE to OBJECT in its record and its history, and recompute its link
    and all those after it: plain verification passes. Returns the forged link."""
    vote = decided.votes[0]
    history = vote.history.order_by("-history_date", "-history_id").first()
    link = AuditLink.objects.get(history_model=history._meta.label_lower, history_id=history.history_id)
    lift_guards()
    for name, key, pk in (("decisions.historicalvote", "history_id", history.pk), ("decisions.vote", "id", vote.pk)):
        sql(f"UPDATE {table(name)} SET position = %s, statement = %s WHERE {key} = %s", [position, OBJECTION, pk])
    relink_from(decided.chain, link.seq)
    return link


# An intact chain -------------------------------------------------------------------------------


def test_an_intact_chain_extends_its_kept_checkpoints(decided):
    out = verify("--checkpoint", str(decided.closed.path), "--checkpoint", str(decided.opened.path))
    assert "Audit chain intact" in out
    for kept in (decided.opened, decided.closed):
        when = witness.when(checkpoint.read_checkpoint(kept.note))
        assert f"Chain {decided.chain} extends the checkpoint of {when} ({kept.size:,} links)." in out


def test_a_folder_of_kept_checkpoints_is_read_whole(decided):
    out = verify("--checkpoint", str(decided.tmp_path), "--alliance", "dunmarrow")
    assert out.count(f"Chain {decided.chain} extends the checkpoint of") == 3


def test_a_checkpoint_kept_in_a_saved_email_is_found_in_it(decided):
    email = decided.tmp_path / "email" / "checkpoint.eml"
    email.parent.mkdir()
    email.write_text(
        "From: tracker@example.org\nSubject: Audit checkpoint\n\nKeep this message.\n\n"
        + decided.closed.note
        + "\n-- \nAlliance tracker\n"
    )
    assert f"({decided.closed.size:,} links)." in verify("--checkpoint", str(email))


class _Serve(BaseHTTPRequestHandler):
    notes: dict[str, str] = {}

    def do_GET(self):  # noqa: N802 (http.server's name)
        note = self.notes.get(self.path)
        self.send_response(200 if note else 404)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.end_headers()
        self.wfile.write((note or "not found").encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def witness_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Serve)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Serve.notes
    server.shutdown()
    server.server_close()
    _Serve.notes.clear()


def test_a_checkpoint_is_fetched_from_a_url(decided, witness_server):
    base, notes = witness_server
    notes["/audit/dunmarrow/checkpoint"] = decided.closed.note
    out = verify("--checkpoint", f"{base}/audit/dunmarrow/checkpoint")
    assert f"Chain {decided.chain} extends the checkpoint of" in out
    forge_vote(decided)
    message, _ = broken("--checkpoint", f"{base}/audit/dunmarrow/checkpoint")
    assert f"Chain {decided.chain} does not extend the checkpoint" in message


def test_a_url_that_cannot_be_fetched_is_named(decided, witness_server):
    base, _ = witness_server
    message, _ = broken("--checkpoint", f"{base}/nothing-here")
    assert message == f"The checkpoint at {base}/nothing-here cannot be fetched: the server answered 404 Not Found."
    message, _ = broken("--checkpoint", "http://127.0.0.1:9/checkpoint")  # the discard port: nobody answers
    assert message.startswith("The checkpoint at http://127.0.0.1:9/checkpoint cannot be fetched (")


def test_a_file_that_cannot_be_read_is_named(decided):
    message, _ = broken("--checkpoint", str(decided.tmp_path / "missing.checkpoint"))
    assert message.startswith(f"The checkpoint file {decided.tmp_path / 'missing.checkpoint'} cannot be read (")
    empty = decided.tmp_path / "empty"
    empty.mkdir()
    assert broken("--checkpoint", str(empty))[0] == f"The folder {empty} holds no checkpoint files."


# Checkpoints that are refused ------------------------------------------------------------------


def test_a_checkpoint_signed_by_an_unknown_key_is_refused_naming_the_key(decided):
    stranger = checkpoint.new_signer("someone-else.example")
    forged = decided.tmp_path / "forged.checkpoint"
    forged.write_text(stranger.sign(checkpoint.body(checkpoint.origin_of(decided.chain), 3, b"\x05" * 32, CLOSED)))
    message, _ = broken("--checkpoint", str(forged))
    assert message.startswith(
        f"The checkpoint {forged} is refused: This checkpoint is signed by 'someone-else.example'"
    )
    assert "no signature verifies with a key this server knows" in message


def test_a_checkpoint_file_that_was_edited_is_refused(decided):
    path = decided.closed.path
    path.write_text(decided.closed.note.replace(f"\n{decided.closed.size}\n", f"\n{decided.voted.size}\n", 1))
    message, _ = broken("--checkpoint", str(path))
    assert f"The checkpoint {path} is refused" in message and "changed after it was signed" in message


def test_a_checkpoint_of_another_deployment_is_refused_saying_so(decided):
    other = decided.tmp_path / "other.checkpoint"
    other.write_text(
        checkpoint.signer().sign(checkpoint.body("elsewhere.example/audit/alliance-1", 1, bytes(32), CLOSED))
    )
    message, _ = broken("--checkpoint", str(other))
    assert "is not of this server's audit chains: its origin is 'elsewhere.example/audit/alliance-1'" in message


def test_a_checkpoint_of_another_alliance_is_refused_with_alliance(decided):
    other = services.save_alliance(name="Other", slug="other")
    kept = checkpoint.take(f"alliance:{other.pk}")
    path = decided.tmp_path / "other.checkpoint"
    path.write_text(kept.note)
    message, _ = broken("--checkpoint", str(path), "--alliance", "dunmarrow")
    assert f"is of chain alliance:{other.pk}, not of Dunmarrow Homelessness Alliance's chain" in message


def test_a_checkpoint_kept_in_the_database_that_does_not_verify_is_reported_as_forged(decided):
    lift_guards()
    sql(
        "UPDATE alliance_auditcheckpoint SET note = %s WHERE id = %s",
        [decided.voted.note.replace("time", "tim"), decided.voted.pk],
    )
    sql("UPDATE alliance_auditcheckpoint SET root_hash = %s WHERE id = %s", ["ab" * 32, decided.opened.pk])
    message, err = broken("--checkpoint", str(decided.closed.path))
    assert message.startswith(f"Audit chain broken: The checkpoint of chain {decided.chain} of ")
    assert f"({decided.opened.size} links) kept in the database says a root hash its signed note does not" in message
    assert f"({decided.voted.size} links) kept in the database does not verify: This checkpoint is signed" in err
    assert "does not extend" not in err  # the chain itself still extends them all


# (a) Tail erasure with the head reset ----------------------------------------------------------


def _join(decided: Decided):
    organisation = services.save_organisation(name="Cairnview", kind="provider")
    services.create_membership(
        alliance=decided.alliance, organisation=organisation, status="VOTING", joined_on=date(2021, 4, 1)
    )


def test_a_cut_tail_with_its_head_reset_passes_plain_verification_but_not_the_checkpoint(decided):
    keep = decided.last()
    _join(decided)
    joined = decided.keep("joined")
    removed = erase_after(decided.chain, keep)
    assert len(removed) >= 2 and not AuditCheckpoint.objects.filter(pk=joined.pk).exists()
    assert "Audit chain intact" in verify()  # the erasure is clean
    message, _ = broken("--checkpoint", str(joined.path))
    when = witness.when(checkpoint.read_checkpoint(joined.note))
    assert (
        f"Chain {decided.chain} does not extend the checkpoint of {when} "
        f"({joined.size:,} links): links #{keep + 1} to #{joined.size} were removed from the end of the chain after it "
        "was taken; they were recorded after" in message
    )
    assert f"(link #{keep})" in message


def test_the_last_link_erased_is_named(decided):
    keep = decided.last() - 1
    erase_after(decided.chain, keep)
    assert "Audit chain intact" in verify()
    message, _ = broken("--checkpoint", str(decided.closed.path))
    assert f": link #{keep + 1} was removed from the end of the chain after it was taken" in message


def test_a_cut_tail_with_new_links_after_it_is_found_as_a_change(decided):
    """Erase the closing, then carry on: the chain is as long as the checkpoint again, but not the same."""
    keep = decided.voted.size
    erase_after(decided.chain, keep)
    _join(decided)
    assert decided.last() >= decided.closed.size
    message, _ = broken("--checkpoint", str(decided.closed.path), "--checkpoint", str(decided.voted.path))
    assert keep + 1 == decided.closed.size  # closing wrote one link: it is named, with what it now holds
    assert f"link #{keep + 1} was changed after it was taken" in message
    assert f"That link now records: #{keep + 1} created Cairnview in Dunmarrow" in message


# (b) A forged link, every link after it recomputed ----------------------------------------------


def test_a_forged_vote_passes_plain_verification_but_the_checkpoint_names_it(decided):
    link = forge_vote(decided)
    assert Vote.objects.get(pk=decided.votes[0].pk).position == "OBJECT"
    assert "Audit chain intact" in verify()  # every link recomputed: self-consistent
    message, _ = broken("--checkpoint", str(decided.closed.path))
    lo, hi = decided.opened.size + 1, decided.voted.size
    assert decided.opened.size < link.seq <= decided.voted.size
    assert f"Chain {decided.chain} does not extend the checkpoint of" in message
    assert f"a link between #{lo} and #{hi} was changed, removed or put in after the checkpoint of" in message
    assert f", {decided.opened.size:,} links, still matches)" in message
    assert hi - lo < witness.NAMED_RANGE
    assert f"#{link.seq} " in message and "OBJECT on" in message  # the forged vote, as its record now reads


def test_a_forged_vote_with_the_databases_checkpoints_also_erased_is_still_found(decided):
    link = forge_vote(decided)
    sql("DELETE FROM alliance_auditcheckpoint")
    assert "Audit chain intact" in verify()
    message, _ = broken("--checkpoint", str(decided.closed.path))
    assert f"a link between #1 and #{decided.closed.size} was changed, removed or put in after it was taken" in message
    assert link.seq <= decided.closed.size
    # With an earlier kept file the range narrows to the votes.
    message, _ = broken("--checkpoint", str(decided.closed.path), "--checkpoint", str(decided.opened.path))
    assert f"a link between #{decided.opened.size + 1} and #{decided.closed.size}" in message


def test_a_forged_vote_after_the_checkpoint_was_taken_is_not_its_business(decided):
    """A checkpoint vouches for links up to its size only: a change after it needs a later one."""
    assert "Audit chain intact" in verify("--checkpoint", str(decided.opened.path))
    forge_vote(decided)
    out = verify("--checkpoint", str(decided.opened.path))
    assert f"Chain {decided.chain} extends the checkpoint of" in out


def test_the_checkpoints_the_server_kept_find_a_forgery_that_left_them_in_place(decided):
    """``witness.check`` without checkpoints given compares the chain with those kept in the database
    (for a scheduled check); an intact chain has no problem."""
    assert witness.check(decided.chain) == []
    link = forge_vote(decided)
    problems = witness.check(decided.chain)
    assert problems and {p.kind for p in problems} == {"checkpoint"}
    assert f"a link between #{decided.opened.size + 1} and #{decided.voted.size} was changed" in problems[0].message
    assert f"#{link.seq} " in problems[0].message


# (c) A user renamed behind the application -------------------------------------------------------


def test_a_renamed_user_is_found_and_the_links_keep_the_old_name(decided):
    user = UserFactory(username="priya")
    PersonFactory(name="Priya Raman", user=user)
    decided.alliance.name = "Dunmarrow Alliance"
    decided.alliance._history_user = user
    decided.alliance.save()
    kept = decided.keep("renamed")
    sql("UPDATE auth_user SET username = 'morag' WHERE id = %s", [user.pk])
    message, err = broken("--checkpoint", str(kept.path))
    assert f"auth.user {user.pk}: 'username' differs from its last recorded version" in message
    assert "does not extend" not in err  # the chain itself is untouched
    links = AuditLink.objects.filter(chain=decided.chain, user_id=user.pk)
    assert links.exists() and set(links.values_list("username", "person_name")) == {("priya", "Priya Raman")}


# (d) A deleted head ------------------------------------------------------------------------------


def test_a_deleted_head_is_found(decided):
    lift_guards()
    sql("DELETE FROM alliance_auditchainhead WHERE chain = %s", [decided.chain])
    message, _ = broken("--checkpoint", str(decided.closed.path))
    assert f"Chain {decided.chain} has links up to #{decided.last()} but no head" in message
    assert not AuditChainHead.objects.filter(chain=decided.chain).exists()


# (e) A middle link edited without recomputing ------------------------------------------------------


def test_a_middle_history_row_edited_is_named(decided):
    vote = decided.votes[1]
    history = vote.history.order_by("-history_date").first()
    link = AuditLink.objects.get(history_model="decisions.historicalvote", history_id=history.pk)
    for name, key, pk in (("decisions.historicalvote", "history_id", history.pk), ("decisions.vote", "id", vote.pk)):
        sql(f"UPDATE {table(name)} SET position = 'OBJECT', statement = %s WHERE {key} = %s", [OBJECTION, pk])
    message, _ = broken("--checkpoint", str(decided.closed.path))
    assert f"link {decided.chain}#{link.seq} (decisions.vote {vote.pk}" in message
    assert "its history row or the link itself was altered" in message


def test_a_middle_link_edited_is_named_and_breaks_the_checkpoint(decided):
    link = AuditLink.objects.get(chain=decided.chain, seq=decided.voted.size - 1)
    lift_guards()
    sql("UPDATE alliance_auditlink SET hash = %s WHERE id = %s", ["e" * 64, link.pk])
    message, err = broken("--checkpoint", str(decided.closed.path), "--checkpoint", str(decided.voted.path))
    assert f"link {decided.chain}#{link.seq} (" in message and "altered" in message
    assert f"a link between #{decided.opened.size + 1} and #{decided.voted.size} was changed" in err


# The roots the narrowing compares ---------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2, 5, 8, 13])
def test_the_prefix_roots_are_the_roots_of_each_prefix(count):
    hashes = [f"{i:064x}" for i in range(count)]
    roots = witness.prefix_roots(hashes, set(range(count + 1)))
    assert roots == {n: merkle.root(hashes[:n]) for n in range(count + 1)}
