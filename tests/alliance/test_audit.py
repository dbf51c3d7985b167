"""Rule 9: every history row is chained; raw-SQL tampering is detected and named."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command, get_commands, load_command_class
from django.db import DatabaseError, connection, transaction

from alliance import services
from alliance.audit.source import audit_source, current_source
from alliance.management.base import AuditedCommand
from alliance.models import AuditChainHead, AuditLink, Membership, Organisation
from tests.factories import AllianceFactory, OrganisationFactory, StaffFactory
from tests.helpers import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def alliance():
    alliance = services.save_alliance(name="Dunmarrow", slug="dunmarrow")
    org = services.save_organisation(name="Harbour Light Housing", kind="provider")
    services.create_membership(alliance=alliance, organisation=org, status="VOTING", joined_on=date(2020, 7, 1))
    return alliance


def verify(*args) -> str:
    out = StringIO()
    call_command("verify_audit", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def broken(*args) -> str:
    with pytest.raises(CommandError) as exc:
        verify(*args)
    return str(exc.value)


def sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_every_history_row_enters_the_chain_of_its_alliance(alliance):
    membership = Membership.objects.get()
    links = AuditLink.objects.filter(object_model="alliance.membership", object_id=str(membership.pk))
    assert links.count() == 1
    assert links.get().chain == f"alliance:{alliance.pk}"
    org_link = AuditLink.objects.get(object_model="alliance.organisation")
    assert org_link.chain == "none"  # organisations belong to no alliance


def test_chains_are_per_alliance_and_without_gaps(alliance):
    other = services.save_alliance(name="Other", slug="other")
    services.save_organisation(name="Second Step Trust", kind="provider")
    for chain in AuditChainHead.objects.values_list("chain", flat=True):
        seqs = list(AuditLink.objects.filter(chain=chain).values_list("seq", flat=True))
        assert seqs == list(range(1, len(seqs) + 1))
    assert AuditLink.objects.filter(chain=f"alliance:{other.pk}").count() == 1


def test_verify_passes_on_untouched_data(alliance):
    assert "Audit chain intact" in verify()
    assert "Audit chain intact" in verify("--alliance", "dunmarrow")


def test_verify_unknown_alliance_says_so(alliance):
    assert "No alliance has the slug 'nowhere'" in broken("--alliance", "nowhere")


def test_altered_history_row_is_detected_and_named(alliance):
    sql("UPDATE alliance_historicalmembership SET status = 'ADVISORY'")
    message = broken()
    assert "alliance.membership" in message
    assert "its history row or the link itself was altered" in message


def test_deleted_history_row_is_detected(alliance):
    sql("DELETE FROM alliance_historicalmembershipstatuschange")
    assert "history row was deleted" in broken()


def test_inserted_history_row_is_detected(alliance):
    sql(
        "INSERT INTO alliance_historicalorganisation (id, name, short_name, kind, registration_number, website, "
        "history_date, history_type, history_change_reason) "
        "VALUES (999, 'Ghost Ltd', '', 'provider', '', '', %s, '+', NULL)",
        ["2024-01-01 00:00:00+00:00"],
    )
    assert "inserted outside the application" in broken()


def test_domain_row_changed_without_history_is_detected(alliance):
    sql("UPDATE alliance_membership SET status = 'ADVISORY'")
    message = broken()
    assert "'status' differs from its last recorded version" in message


def test_domain_row_deleted_without_history_is_detected(alliance):
    sql("DELETE FROM alliance_membershipstatuschange")
    assert "removed outside the application" in broken()


def test_domain_row_inserted_without_history_is_detected(alliance):
    sql(
        "INSERT INTO alliance_organisation (name, short_name, kind, registration_number, website) "
        "VALUES ('Ghost Ltd', '', 'provider', '', '')"
    )
    assert "added outside the application" in broken()


def test_database_refuses_to_change_or_delete_links(alliance):
    with pytest.raises(DatabaseError), transaction.atomic():
        sql("UPDATE alliance_auditlink SET hash = 'x'")
    with pytest.raises(DatabaseError), transaction.atomic():
        sql("DELETE FROM alliance_auditlink")


@pytest.mark.postgres
def test_database_refuses_to_truncate_the_chain(alliance):
    for table in ("alliance_auditlink", "alliance_auditchainhead"):
        with pytest.raises(DatabaseError, match="cannot be truncated"), transaction.atomic():
            sql(f"TRUNCATE {table} CASCADE")
    assert AuditLink.objects.count() > 0 and AuditChainHead.objects.count() > 0


def test_database_refuses_to_delete_a_chain_head_but_lets_it_move(alliance):
    head = AuditChainHead.objects.get(chain=f"alliance:{alliance.pk}")
    with pytest.raises(DatabaseError, match="cannot be deleted"), transaction.atomic():
        sql("DELETE FROM alliance_auditchainhead")
    assert AuditChainHead.objects.filter(pk=head.pk).exists()
    services.save_organisation(name="Second Step Trust", kind="provider")
    services.create_membership(
        alliance=alliance,
        organisation=services.save_organisation(name="Cairnview", kind="provider"),
        status="VOTING",
        joined_on=date(2021, 1, 1),
    )
    head.refresh_from_db()
    assert head.last_seq == AuditLink.objects.filter(chain=head.chain).count()


def test_chain_head_edited_behind_the_application_is_detected(alliance):
    chain = f"alliance:{alliance.pk}"
    sql("UPDATE alliance_auditchainhead SET last_seq = last_seq + 5 WHERE chain = %s", [chain])
    message = broken("--alliance", "dunmarrow")
    assert f"Chain {chain} ends at" in message and "its head says" in message


def _drop_triggers():
    if connection.vendor == "sqlite":
        sql("DROP TRIGGER alliance_auditlink_no_update")
        sql("DROP TRIGGER alliance_auditlink_no_delete")
    else:
        sql("DROP TRIGGER alliance_auditlink_append_only ON alliance_auditlink")


def _delete_head(chain: str) -> None:
    """Delete a chain's head as someone with the database's owner rights could: past its trigger."""
    if connection.vendor == "sqlite":
        sql("DROP TRIGGER alliance_auditchainhead_no_delete")
    else:
        sql("DROP TRIGGER alliance_auditchainhead_no_delete ON alliance_auditchainhead")
    sql("DELETE FROM alliance_auditchainhead WHERE chain = %s", [chain])


def _join(alliance, name="Cairnview"):
    organisation = services.save_organisation(name=name, kind="provider")
    return lambda: services.create_membership(
        alliance=alliance, organisation=organisation, status="VOTING", joined_on=date(2021, 1, 1)
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_deleted_chain_head_is_detected(alliance, jobs):
    chain = f"alliance:{alliance.pk}"
    last = AuditLink.objects.filter(chain=chain).count()
    _delete_head(chain)
    for args in ((), ("--alliance", "dunmarrow")):
        message = broken(*args, "--jobs", jobs)
        assert f"Chain {chain} has links up to #{last} but no head: its head was deleted" in message


def test_change_after_a_lost_head_is_refused_and_writes_nothing(alliance):
    chain = f"alliance:{alliance.pk}"
    _delete_head(chain)
    join = _join(alliance)
    links = AuditLink.objects.count()
    refusal = refused("audit_chain_broken", join, Membership, Organisation)
    assert "Changes to Dunmarrow's records are refused" in refusal.message
    assert "its head) is missing" in refusal.message and "verify_audit" in refusal.message
    assert AuditLink.objects.count() == links
    assert not AuditChainHead.objects.filter(chain=chain).exists()  # not restarted at #1
    other = services.save_alliance(name="Other", slug="other")  # other chains carry on
    _join(other, "Second Step Trust")()
    assert AuditLink.objects.filter(chain=f"alliance:{other.pk}").count() == 3


def test_change_after_a_lost_head_is_refused_through_the_api(staff_api, alliance):
    _delete_head("none")
    response = staff_api.post("/api/v1/organisations/", {"name": "New Trust", "kind": "provider"})
    assert response.status_code == 409
    assert response.json()["code"] == "audit_chain_broken"
    assert "Changes to records that belong to no alliance are refused" in response.json()["detail"]
    assert not Organisation.objects.filter(name="New Trust").exists()


def test_chain_head_not_matching_its_last_link_is_detected(alliance):
    chain = f"alliance:{alliance.pk}"
    sql("UPDATE alliance_auditchainhead SET last_hash = %s WHERE chain = %s", ["e" * 64, chain])
    message = broken("--alliance", "dunmarrow", "--jobs", "1")
    assert f"Chain {chain}'s head does not match its last link" in message


def test_chain_head_moved_back_is_detected_and_refuses_changes(alliance):
    chain = f"alliance:{alliance.pk}"
    head = AuditChainHead.objects.get(chain=chain)
    sql("UPDATE alliance_auditchainhead SET last_seq = last_seq - 1 WHERE chain = %s", [chain])
    assert "the head was moved back outside the application" in broken("--alliance", "dunmarrow")
    refusal = refused("audit_chain_broken", _join(alliance), Membership, Organisation)
    assert f"head says #{head.last_seq - 1}, behind its last link" in refusal.message


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_cut_tail_is_reported_as_removed_links_not_inserted_rows(alliance, jobs):
    _join(alliance)()
    chain = f"alliance:{alliance.pk}"
    _drop_triggers()
    last = AuditLink.objects.filter(chain=chain).order_by("-seq").first().seq
    keep = AuditLink.objects.get(chain=chain, seq=last - 2)
    sql("DELETE FROM alliance_auditlink WHERE chain = %s AND seq > %s", [chain, keep.seq])
    sql(
        "UPDATE alliance_auditchainhead SET last_seq = %s, last_hash = %s WHERE chain = %s",
        [keep.seq, keep.hash, chain],
    )
    for args in ((), ("--alliance", "dunmarrow")):
        message = broken(*args, "--jobs", jobs)
        assert f"after chain {chain}'s last link #{keep.seq}: links were removed from the end of the chain" in message
        assert "inserted outside the application." not in message


def test_cut_tail_with_the_head_left_says_which_links_were_removed(alliance):
    chain = f"alliance:{alliance.pk}"
    _drop_triggers()
    last = AuditLink.objects.filter(chain=chain).count()
    sql("DELETE FROM alliance_auditlink WHERE chain = %s AND seq = %s", [chain, last])
    message = broken("--alliance", "dunmarrow")
    assert f"Chain {chain} ends at #{last - 1} but its head says #{last}: link #{last} was removed." in message


def test_link_altered_behind_the_triggers_is_detected(alliance):
    _drop_triggers()
    sql("UPDATE alliance_auditlink SET prev_hash = %s WHERE seq = 2", ["f" * 64])
    assert "does not follow the link before it" in broken()


def test_link_removed_behind_the_triggers_is_detected(alliance):
    _drop_triggers()
    sql("DELETE FROM alliance_auditlink WHERE seq = 1")
    message = broken()
    assert "jumps from" in message or "does not follow" in message


@pytest.mark.parametrize(
    ("column", "value"),
    [("source", "web"), ("user_id", 1), ("object_id", "999"), ("change_type", "-"), ("history_date", "2020-01-01")],
)
def test_link_attribution_altered_behind_the_triggers_is_detected(alliance, column, value):
    _drop_triggers()
    sql(f"UPDATE alliance_auditlink SET {column} = %s WHERE seq = 1", [value])
    assert "the link itself was altered" in broken()


def test_one_alliance_check_finds_a_deleted_history_row(alliance):
    sql("DELETE FROM alliance_historicalmembershipstatuschange")
    assert "history row was deleted" in broken("--alliance", "dunmarrow")


def test_one_alliance_check_finds_an_inserted_history_row(alliance):
    membership = Membership.objects.get()
    sql(
        "INSERT INTO alliance_historicalmembership (id, alliance_id, organisation_id, status, is_signatory, "
        "capacities, joined_on, left_on, history_date, history_type, history_change_reason) "
        "SELECT id, alliance_id, organisation_id, 'ADVISORY', is_signatory, capacities, joined_on, left_on, "
        "%s, '~', NULL FROM alliance_membership WHERE id = %s",
        ["2024-01-01 00:00:00+00:00", membership.pk],
    )
    assert "inserted outside the application" in broken("--alliance", "dunmarrow")


def test_one_alliance_check_finds_a_domain_row_deleted_without_history(alliance):
    sql("DELETE FROM alliance_membershipstatuschange")
    assert "removed outside the application" in broken("--alliance", "dunmarrow")


def test_one_alliance_check_ignores_another_alliances_tampering(alliance):
    other = services.save_alliance(name="Other", slug="other")
    org = services.save_organisation(name="Second Step Trust", kind="provider")
    services.create_membership(alliance=other, organisation=org, status="VOTING", joined_on=date(2021, 1, 1))
    sql("DELETE FROM alliance_membershipstatuschange WHERE membership_id IN "
        "(SELECT id FROM alliance_membership WHERE alliance_id = %s)", [other.pk])  # fmt: skip
    assert "Audit chain intact" in verify("--alliance", "dunmarrow")
    assert "removed outside the application" in broken("--alliance", "other")


def test_script_changes_without_user_say_script(db):
    services.save_organisation(name="Open Door Care", kind="provider")
    assert AuditLink.objects.get().source == "script"
    with audit_source("command:import_members"):
        services.save_organisation(name="Cairnview", kind="provider")
    assert AuditLink.objects.latest("seq").source == "command:import_members"


def test_api_change_records_user_and_source(staff_api):
    response = staff_api.post("/api/v1/organisations/", {"name": "New Trust", "kind": "provider"})
    assert response.status_code == 201
    link = AuditLink.objects.get(object_model="alliance.organisation")
    staff = StaffFactory(username="admin-staff")
    assert (link.source, link.user_id) == ("api", staff.pk)


def test_admin_change_records_user_and_source(client):
    staff = StaffFactory(username="boss", is_superuser=True)
    client.force_login(staff)
    response = client.post(
        "/admin/alliance/organisation/add/",
        {"name": "Admin Made Trust", "short_name": "", "kind": "provider", "registration_number": "", "website": ""},
    )
    assert response.status_code == 302
    link = AuditLink.objects.get(object_model="alliance.organisation")
    assert (link.source, link.user_id) == ("admin", staff.pk)


def test_two_alliances_chain_independently(db):
    a, b = AllianceFactory(), AllianceFactory()
    OrganisationFactory()
    assert AuditLink.objects.filter(chain=f"alliance:{a.pk}").count() == 1
    assert AuditLink.objects.filter(chain=f"alliance:{b.pk}").count() == 1


def test_a_change_made_by_one_of_our_commands_is_attributed_to_it(db):
    class Command(AuditedCommand):
        def handle(self, *args, **options):
            services.save_organisation(name="Open Door Care", kind="provider")

    Command.__module__ = "alliance.management.commands.import_members"
    call_command(Command())
    assert AuditLink.objects.get().source == "command:import_members"
    assert current_source() == "script"  # only inside the command


def test_every_command_of_ours_is_an_audited_command():
    ours = {"alliance", "roles", "decisions", "contracts", "api", "benchmarks"}
    commands = {name: app for name, app in get_commands().items() if app in ours}
    assert {"load_demo", "send_notifications", "verify_audit", "export_audit", "export_decisions", "benchmark"} <= set(
        commands
    )
    for name, app in commands.items():
        assert isinstance(load_command_class(app, name), AuditedCommand), name


def test_djangos_own_commands_record_the_default_source(db):
    # Only our commands name themselves; a change made in `manage.py shell` is a script's.
    call_command(
        "shell", command="from alliance import services; services.save_organisation(name='X', kind='provider')"
    )
    assert AuditLink.objects.get().source == "script"
