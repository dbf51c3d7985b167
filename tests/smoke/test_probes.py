"""Writes that name another alliance's records: the refusal must not show them to the caller.

Each probe posts, as a standing of Dunmarrow, a body whose ids point at Kestrel Vale records (a member,
a person, a meeting, a CONFIDENTIAL decision or award), through the API and the web forms. Whatever the
answer (a refusal is right), it must not be a 5xx and must not show a canary the caller may not read:
an error message that names "Kestrel Vale Care Trust" tells a Dunmarrow secretary that it exists.
Each request runs in a savepoint rolled back. Known findings: tests/smoke/known/probes.txt.
"""

import json
import re

import pytest
from django.db import transaction
from django.test import Client

from tests.smoke import known
from tests.smoke.scene import MEMBER, OVERSIGHT, SECRETARY
from tests.smoke.walk import TOKEN

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

# name, standing, method, URL, body; {name} is the pk of scene.named[name].
PROBES = [
    ("API vote with another alliance's member", SECRETARY, "api", "/api/v1/decisions/{dun_members_decision}/votes/",
     {"membership": "{kestrel_membership}", "position": "AGREE", "cast_by": "{kestrel_rep}"}),
    ("API vote with another alliance's member", MEMBER, "api", "/api/v1/decisions/{dun_members_decision}/votes/",
     {"membership": "{kestrel_membership}", "position": "AGREE", "cast_by": "{kestrel_rep}"}),
    ("API advice of another alliance's organisation", SECRETARY, "api",
     "/api/v1/decisions/{dun_members_decision}/advice/", {"organisation": "{kestrel_voices}", "advice": "Probe."}),
    ("API recusal of another alliance's member", SECRETARY, "api",
     "/api/v1/decisions/{dun_members_decision}/recusals/",
     {"membership": "{kestrel_membership}", "reason": "Probe.", "interest": "{kestrel_interest}"}),
    ("API attendance of another alliance's person", SECRETARY, "api", "/api/v1/meetings/{dun_meeting}/attendance/",
     {"person": "{kestrel_rep}", "capacity": "observer", "organisation": "{kestrel_org}"}),
    ("API attendance correction for another alliance's organisation", SECRETARY, "api",
     "/api/v1/meetings/{dun_meeting}/attendance/{dun_attendance}/correct/",
     {"capacity": "voting_representative", "organisation": "{kestrel_org}", "reason": "Probe."}),
    ("API draft in another alliance's meeting, revisiting its decision", SECRETARY, "api", "/api/v1/decisions/",
     {"body": "{dun_alt}", "title": "Probe", "proposal": "Probe.", "kind": "KEY", "meeting": "{kestrel_meeting}",
      "revisits": ["{kestrel_confidential_decision}"]}),
    ("API reassign an action item to another alliance's role", SECRETARY, "api",
     "/api/v1/action-items/{dun_action}/reassign/",
     {"owner_role": "{kestrel_role}", "owner_person": "{kestrel_rep}", "reason": "Probe."}),
    ("API oversight note on another alliance's award", OVERSIGHT, "api", "/api/v1/oversight-notes/",
     {"alliance": "dunmarrow", "award_process": "{kestrel_award}", "text": "Probe."}),
    ("API oversight note on another alliance's decision", OVERSIGHT, "api", "/api/v1/oversight-notes/",
     {"alliance": "dunmarrow", "decision": "{kestrel_confidential_decision}", "text": "Probe."}),
    ("API delegated decision under another alliance's delegation", SECRETARY, "api", "/api/v1/decisions/delegated/",
     {"body": "{dun_alt}", "title": "Probe", "proposal": "Probe.", "value": "10", "decided_by": "{kestrel_rep}",
      "delegation": "{kestrel_delegation}", "decided_on": "2023-05-01"}),
    ("page: vote form with another alliance's member", SECRETARY, "form",
     "/alliances/dunmarrow/decisions/{dun_members_decision}/vote/",
     {"membership": "{kestrel_membership}", "position": "AGREE", "cast_by": "{kestrel_rep}"}),
    ("page: attendance form with another alliance's person", SECRETARY, "form",
     "/alliances/dunmarrow/meetings/{dun_meeting}/attendance/",
     {"person": "{kestrel_rep}", "capacity": "observer", "organisation": "{kestrel_org}"}),
    ("page: attendance correction for another alliance's organisation", SECRETARY, "form",
     "/alliances/dunmarrow/meetings/{dun_meeting}/attendance/{dun_attendance}/",
     {"capacity": "voting_representative", "organisation": "{kestrel_org}", "present": "1", "reason": "Probe."}),
    ("page: draft form in another alliance's meeting", SECRETARY, "form", "/alliances/dunmarrow/decisions/new/",
     {"body": "{dun_alt}", "title": "Probe", "proposal": "Probe.", "kind": "KEY", "meeting": "{kestrel_meeting}",
      "revisits": "{kestrel_confidential_decision}"}),
    ("page: oversight note on another alliance's decision", OVERSIGHT, "form", "/alliances/dunmarrow/oversight/notes/",
     {"decision": "{kestrel_confidential_decision}", "award_process": "{kestrel_award}", "text": "Probe."}),
]  # fmt: skip


def fill(value, ids):
    if isinstance(value, list):
        return [fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    match = re.fullmatch(r"\{(\w+)\}", str(value))
    return ids[match.group(1)] if match else (value.format(**ids) if isinstance(value, str) else value)


@pytest.mark.parametrize(("name", "standing", "kind", "url", "body"), PROBES, ids=[f"{p[0]} as {p[1]}" for p in PROBES])
def test_a_refusal_names_no_record_the_caller_cannot_read(smoke, name, standing, kind, url, body):
    from alliance.models import GoverningBody

    ids = {k: v.pk for k, v in smoke.named.items()}
    ids["dun_alt"] = GoverningBody.objects.get(alliance__slug="dunmarrow", code="ALT").pk
    client = Client(raise_request_exception=False)
    client.force_login(smoke.users[standing])
    with transaction.atomic():
        if kind == "api":
            response = client.post(fill(url, ids), json.dumps(fill(body, ids)), content_type="application/json")
        else:
            response = client.post(fill(url, ids), fill(body, ids))
        transaction.set_rollback(True)
    text = (response.content.decode() + str(response.headers)).lower()
    forbidden = smoke.forbidden(standing)
    problems = []
    if response.status_code >= 500:
        problems.append(f"5xx {name} as {standing}")
    if set(TOKEN.findall(text)) & forbidden.keys():
        problems.append(f"leak {name} as {standing}")
    listed = {k for k in known.load("probes") if k.endswith(f" {name} as {standing}")}
    if known.updating():
        others = {k for k in known.load("probes") if not k.endswith(f" {name} as {standing}")}
        known.save("probes", others | set(problems), "the probes of other alliances' ids (tests/smoke/test_probes.py)")
        listed = set(problems)
    leaked = sorted(set(TOKEN.findall(text)) & forbidden.keys())
    new = [p for p in problems if p not in listed]
    stale = sorted(listed - set(problems))
    detail = f"POST {fill(url, ids)} -> {response.status_code}: " + "; ".join(
        f"{t} ({forbidden[t].what})" for t in leaked
    )
    assert not new, f"{new}: {detail} {response.content[:300]!r}"
    assert not stale, f"fixed since tests/smoke/known/probes.txt was written (delete these lines): {stale}"
