"""What the search finds of decisions and meetings (alliance.search): a decision by its reference,
title, tags, proposal, rationale, alternatives and outcome, and by the names on its record (the
body, who decided it under delegation, who it appoints, the members who voted and who cast their
votes, who advised); a meeting by its title, body, place and minutes."""

from __future__ import annotations

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from alliance.registry import register
from alliance.search import Entry, SearchSource, summary
from decisions.models import AdvisoryInput, Decision, Meeting, Vote


def organisation_names(org) -> list[str]:
    return [org.name, org.short_name] if org is not None else []


def decision_entries(records):
    records = records.select_related(
        "alliance", "body", "meeting", "decided_by", "appointment_person"
    ).prefetch_related(
        Prefetch("votes", Vote.objects.select_related("membership__organisation", "cast_by")),
        Prefetch("advisory_inputs", AdvisoryInput.objects.select_related("organisation", "person")),
    )
    for d in records:
        names = [d.body.code, d.body.name]
        for person in (d.decided_by, d.appointment_person):
            names += [person.name] if person is not None else []
        for vote in d.votes.all():
            names += organisation_names(vote.membership.organisation if vote.membership else None) + [vote.cast_by.name]
        for advice in d.advisory_inputs.all():
            names += organisation_names(advice.organisation) + ([advice.person.name] if advice.person else [])
        yield Entry.of(
            d,
            summary=summary(d.proposal),
            dated=d.decided_on or (timezone.localdate(d.opened_at) if d.opened_at else None),
            heading=[d.reference, d.title, *d.tags],
            names=names,
            body=[d.proposal, d.rationale, d.alternatives_considered, d.meeting.title if d.meeting else ""],
        )


def _decisions_naming_person(person):
    named = Q(decided_by=person) | Q(appointment_person=person) | Q(votes__cast_by=person)
    named |= Q(advisory_inputs__person=person)
    return Decision.objects.filter(named).values_list("pk", flat=True).distinct()


def _decisions_naming_organisation(org):
    named = Q(votes__membership__organisation=org) | Q(advisory_inputs__organisation=org)
    return Decision.objects.filter(named).values_list("pk", flat=True).distinct()


def _public_decision_url(entry) -> str:
    return reverse("public-decision", kwargs={"slug": entry.alliance.slug, "pk": entry.object_id})


register("search_sources")(
    SearchSource(
        kind="decision",
        label="Decision",
        model=Decision,
        entries=decision_entries,
        url_name="decision-detail",
        watches={
            "decisions.vote": lambda vote: [vote.decision_id],
            "decisions.advisoryinput": lambda advice: [advice.decision_id],
            "roles.person": _decisions_naming_person,
            "alliance.organisation": _decisions_naming_organisation,
            "alliance.governingbody": lambda body: Decision.objects.filter(body=body).values_list("pk", flat=True),
        },
        public_url=_public_decision_url,
    )
)


def meeting_entries(records):
    for m in records.select_related("body__alliance"):
        yield Entry(
            object_id=m.pk,
            alliance_id=m.body.alliance_id,
            title=str(m),
            summary=summary(m.minutes),
            dated=timezone.localdate(m.starts_at),
            heading=[m.title, m.body.code],
            names=[m.body.name],
            body=[m.location, m.minutes],
        )


register("search_sources")(
    SearchSource(
        kind="meeting",
        label="Meeting",
        model=Meeting,
        entries=meeting_entries,
        url_name="meeting-detail",
        watches={"alliance.governingbody": lambda body: body.meetings.values_list("pk", flat=True)},
    )
)
