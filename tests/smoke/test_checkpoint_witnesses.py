"""The canary alliance's signed checkpoints (Kestrel Vale does not publish its register) are read by its
own confidential readers only: no Dunmarrow standing reaches them, by Kestrel's address or Dunmarrow's.

A checkpoint holds no canary text (a size and a hash), so the walk's canary check cannot see one leak:
this test looks for the signed note itself in every answer."""

import pytest
from django.test import Client

from alliance.models import Alliance, AuditCheckpoint
from tests.smoke.scene import ANONYMOUS, KESTREL, KESTREL_SLUG, STANDINGS

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


@pytest.mark.parametrize("standing", STANDINGS)
def test_the_canary_alliances_checkpoints_are_for_its_own_readers(smoke, standing):
    kestrel = Alliance.objects.get(slug=KESTREL_SLUG)
    kept = AuditCheckpoint.objects.filter(chain=f"alliance:{kestrel.pk}").order_by("-size").first()
    client = Client()
    if standing != ANONYMOUS:
        client.force_login(smoke.users[standing])
    urls = [
        f"/alliances/{KESTREL_SLUG}/audit/checkpoint",
        f"/alliances/{KESTREL_SLUG}/audit/checkpoints/",
        f"/alliances/{KESTREL_SLUG}/audit/checkpoints/{kept.pk}.txt",
        f"/alliances/dunmarrow/audit/checkpoints/{kept.pk}.txt",
        f"/api/v1/audit/checkpoints/?alliance={KESTREL_SLUG}",
        f"/api/v1/audit/checkpoints/latest/?alliance={KESTREL_SLUG}",
        f"/api/v1/audit/proof/?alliance={KESTREL_SLUG}&seq=1",
    ]
    answers = {url: client.get(url) for url in urls}
    signature = kept.note.rsplit(" ", 1)[-1].strip()
    shown = {url for url, answer in answers.items() if signature in answer.content.decode()}
    if standing in KESTREL:
        assert answers[urls[0]].content.decode() == kept.note
        assert shown == set(urls) - {urls[1], urls[3]}  # the page lists them; not by Dunmarrow's address
    else:
        assert not shown, f"{standing} reads Kestrel Vale's checkpoint at {sorted(shown)}"
        assert all(answer.status_code in (302, 403, 404) for answer in answers.values()), {
            url: answer.status_code for url, answer in answers.items()
        }
