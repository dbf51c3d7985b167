"""Rule 9 under load: writers of one alliance at once still leave one chain without gaps (PostgreSQL)."""

import threading
from datetime import date

import pytest
from django.db import connection

from alliance import services
from alliance.audit.verify import verify_chain
from alliance.models import AuditChainHead, AuditLink

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_writes_in_one_alliance_leave_its_chain_whole():
    alliance = services.save_alliance(name="Dunmarrow", slug="dunmarrow")
    organisations = [services.save_organisation(name=f"Provider {n}", kind="provider") for n in range(6)]
    barrier = threading.Barrier(len(organisations))
    errors = []

    def join(organisation):
        try:
            barrier.wait(timeout=10)
            membership = services.create_membership(
                alliance=alliance, organisation=organisation, status="VOTING", joined_on=date(2020, 7, 1)
            )
            services.change_membership_status(
                membership=membership, status="ADVISORY", effective_on=date(2021, 1, 1), reason="Chose to advise"
            )
        except Exception as error:  # noqa: BLE001 - reported below, with the thread's error
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=join, args=(o,)) for o in organisations]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    chain = f"alliance:{alliance.pk}"
    seqs = list(AuditLink.objects.filter(chain=chain).order_by("seq").values_list("seq", flat=True))
    assert len(seqs) > len(organisations) * 2
    assert seqs == list(range(1, len(seqs) + 1))
    assert AuditChainHead.objects.get(chain=chain).last_seq == len(seqs)
    assert verify_chain(chain) == []
