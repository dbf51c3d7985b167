"""What the search finds of papers (alliance.search): a paper by its title, kind and description; a
withdrawn paper is not found. Who may read it is its owner's (alliance.document_models.FollowsOwner)."""

from __future__ import annotations

from django.utils import timezone

from alliance.document_models import Document
from alliance.registry import register
from alliance.search import Entry, SearchSource, summary


def document_entries(records):
    for d in records.filter(withdrawn_at__isnull=True).select_related("alliance"):
        yield Entry(
            object_id=d.pk,
            alliance_id=d.alliance_id,
            title=d.title,
            summary=summary(d.description),
            dated=timezone.localdate(d.created_at),
            heading=[d.title, d.get_kind_display()],
            body=[d.description],
        )


register("search_sources")(
    SearchSource(kind="document", label="Paper", model=Document, entries=document_entries, url_name="document-detail")
)
