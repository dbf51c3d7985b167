"""The read log shows every confidential read of the demo's walk (issue 20, part 5, "done when").

As the demo's oversight and secretary logins, every route of the walk that reads one record (a
decision, an award, a paper, a governing document, an oversight note: page, API detail, history,
download) is fetched; a record that is confidential and was served (200) must have its entry, naming
the login and the URL, and one that is not must have none. The audit trail and the read log itself
are logged on every read.
"""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

from alliance import read_log
from alliance.models import Document, ReadLogEntry
from contracts.models import AwardProcess, OversightNote
from decisions.governing_models import GoverningDocument
from decisions.models import Decision
from tests.smoke.scene import OVERSIGHT, SECRETARY
from tests.smoke.test_walk import route_urls

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

# The routes that read one record, by URL name, and the model of their ``pk``.
ONE_RECORD = {
    "decision-detail": Decision,
    "api-decision-detail": Decision,
    "api-decision-history": Decision,
    "award-detail": AwardProcess,
    "award-audit-csv": AwardProcess,
    "api-award-detail": AwardProcess,
    "api-award-history": AwardProcess,
    "api-award-audit": AwardProcess,
    "document-detail": Document,
    "document-download": Document,
    "api-document-detail": Document,
    "api-document-download": Document,
    "governing-document": GoverningDocument,
    "api-governing-document-detail": GoverningDocument,
    "api-oversight-note-detail": OversightNote,
}
# Routes logged on every read they serve.
ALWAYS = {"audit-feed-page", "audit-feed", "audit-feed-csv", "read-log-page", "api-read-log-list"}


def _served(client: Client, url: str) -> tuple[int, list[ReadLogEntry]]:
    """GET ``url`` in a savepoint rolled back afterwards, and the entries it wrote."""
    with transaction.atomic():
        before = ReadLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        written = list(ReadLogEntry.objects.filter(pk__gt=before))
        transaction.set_rollback(True)
    return response.status_code, written


@pytest.mark.parametrize("standing", [OVERSIGHT, SECRETARY])
def test_every_confidential_read_of_the_walk_is_in_the_read_log(smoke, standing):
    user = smoke.users[standing]
    client = Client()
    client.force_login(user)
    checked, missing, extra = 0, [], []
    for url in route_urls(smoke):
        try:
            match = resolve(url.split("?", 1)[0])
        except Resolver404:
            continue
        model = ONE_RECORD.get(match.url_name)
        if model is None and match.url_name not in ALWAYS:
            continue
        status, written = _served(client, url)
        if status != 200:
            continue
        # The read log's API shows a secretary nothing (an empty list), so there is no read to log.
        expected = match.url_name != "api-read-log-list" or standing == OVERSIGHT
        if model is not None:
            record = model._default_manager.filter(pk=match.kwargs.get("pk")).first()
            expected = record is not None and read_log.is_confidential(record)
        logged = [e for e in written if e.path == url and e.user_id == user.pk]
        checked += 1
        if expected and not logged:
            missing.append(url)
        if not expected and any(e.path == url for e in written):
            extra.append(url)
    assert checked > 20
    assert not missing, "confidential reads the read log does not show:\n" + "\n".join(missing)
    assert not extra, "reads of records that are not confidential, logged:\n" + "\n".join(extra)
