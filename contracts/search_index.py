"""What the search finds of award processes (alliance.search): by reference, title, service
category, route and description, and by the organisations named on it (a direct award's member, the
bidders)."""

from __future__ import annotations

from django.urls import reverse

from alliance.registry import register
from alliance.search import Entry, SearchSource, summary
from contracts.models import AwardProcess
from decisions.search_index import organisation_names


def award_entries(records):
    records = records.select_related("alliance", "direct_award_to").prefetch_related("submissions__bidder")
    for a in records:
        names = organisation_names(a.direct_award_to)
        for submission in a.submissions.all():
            names += organisation_names(submission.bidder)
        yield Entry.of(
            a,
            summary=summary(a.description),
            dated=a.started_on,
            heading=[a.reference, a.title, a.get_service_category_display()],
            names=names,
            body=[a.description, a.get_route_display(), a.external_notice_reference],
        )


def _awards_naming(org):
    named = AwardProcess.objects.filter(direct_award_to=org) | AwardProcess.objects.filter(submissions__bidder=org)
    return named.values_list("pk", flat=True).distinct()


register("search_sources")(
    SearchSource(
        kind="award",
        label="Award",
        model=AwardProcess,
        entries=award_entries,
        url_name="award-detail",
        watches={
            "contracts.submission": lambda submission: [submission.process_id],
            "alliance.organisation": _awards_naming,
        },
        public_url=lambda entry: reverse("public-awards", kwargs={"slug": entry.alliance.slug}),
    )
)
