"""verify_audit checks links in several processes where it can; it must find exactly
what the check in one process finds, and refuse to fork where the workers could not see the data."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from alliance import services
from alliance.audit import verify
from alliance.audit.chain import NO_ALLIANCE
from benchmarks import dataset
from benchmarks.database import bulk_loading, throwaway


class CountingPool(verify.ProcessPoolExecutor):
    made = 0

    def __init__(self, *args, **kwargs):
        type(self).made += 1
        super().__init__(*args, **kwargs)


@pytest.fixture
def built(monkeypatch):
    """A small benchmark dataset in a throwaway file database, outside any transaction, cut into
    many small tasks so that several processes share them."""
    monkeypatch.setattr(verify, "PARALLEL_FROM", 0)
    monkeypatch.setattr(verify, "TASK_LINKS", 50)
    CountingPool.made = 0
    monkeypatch.setattr(verify, "ProcessPoolExecutor", CountingPool)
    with throwaway():
        dataset.Builder(0.002, lambda *args: None).build()
        bulk_loading(False)
        yield


def _tamper(sql: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


@pytest.mark.django_db
def test_parallel_check_passes_an_intact_database_in_worker_processes(built):
    assert verify.verify(jobs=2) == []
    assert CountingPool.made == 1


@pytest.mark.django_db
def test_parallel_check_finds_what_the_serial_check_finds(built):
    _tamper(
        "UPDATE decisions_historicalvote SET statement = 'edited behind the application' "
        "WHERE history_id = (SELECT MIN(history_id) FROM decisions_historicalvote)"
    )
    _tamper(
        "DELETE FROM decisions_historicaldecision "
        "WHERE history_id = (SELECT MAX(history_id) FROM decisions_historicaldecision)"
    )
    _tamper("UPDATE decisions_vote SET statement = 'drifted' WHERE id = (SELECT MAX(id) FROM decisions_vote)")

    serial = verify.verify(jobs=1)
    assert CountingPool.made == 0
    parallel = verify.verify(jobs=2)

    assert CountingPool.made == 1
    assert [(p.kind, p.message) for p in parallel] == [(p.kind, p.message) for p in serial]
    assert {"altered", "deleted", "drift"} <= {p.kind for p in parallel}


@pytest.mark.django_db
def test_parallel_check_finds_a_deleted_head_and_a_cut_tail_as_the_serial_check_does(built):
    from alliance.models import AuditChainHead, AuditLink

    first = AuditChainHead.objects.get(chain=NO_ALLIANCE)
    second = AuditChainHead.objects.filter(chain__startswith="alliance:").order_by("chain").first()
    if connection.vendor == "sqlite":
        _tamper("DROP TRIGGER alliance_auditchainhead_no_delete")
        _tamper("DROP TRIGGER alliance_auditlink_no_delete")
    else:
        _tamper("DROP TRIGGER alliance_auditchainhead_no_delete ON alliance_auditchainhead")
        _tamper("DROP TRIGGER alliance_auditlink_append_only ON alliance_auditlink")
    _tamper(f"DELETE FROM alliance_auditchainhead WHERE chain = '{first.chain}'")
    keep = AuditLink.objects.get(chain=second.chain, seq=second.last_seq - 3)
    _tamper(f"DELETE FROM alliance_auditlink WHERE chain = '{second.chain}' AND seq > {keep.seq}")
    _tamper(
        f"UPDATE alliance_auditchainhead SET last_seq = {keep.seq}, last_hash = '{keep.hash}' "
        f"WHERE chain = '{second.chain}'"
    )

    serial = verify.verify(jobs=1)
    parallel = verify.verify(jobs=2)

    assert CountingPool.made == 1
    assert [(p.kind, p.message) for p in parallel] == [(p.kind, p.message) for p in serial]
    messages = [p.message for p in serial]
    assert any(m.startswith(f"Chain {first.chain} has links up to #{first.last_seq} but no head") for m in messages)
    cut = [p for p in serial if p.chain == second.chain]
    assert cut and all(p.kind == "removed" for p in cut)
    assert all(f"after chain {second.chain}'s last link #{keep.seq}: links were removed" in p.message for p in cut)


@pytest.mark.django_db
def test_check_inside_a_transaction_stays_in_this_process(monkeypatch):
    services.save_alliance(name="Dunmarrow", slug="dunmarrow")
    monkeypatch.setattr(verify, "PARALLEL_FROM", 0)
    CountingPool.made = 0
    monkeypatch.setattr(verify, "ProcessPoolExecutor", CountingPool)

    assert verify.verify(jobs=4) == []  # the test database is in-memory and inside the test's transaction
    assert CountingPool.made == 0


@pytest.mark.django_db
def test_jobs_below_one_is_refused():
    with pytest.raises(CommandError, match="--jobs must be at least 1, not 0"):
        call_command("verify_audit", "--jobs", "0")
