"""The FLOOR of each read: a bare Django view running one hand-written SQL query for the same rows.

No implementation can do less than fetching the rows an endpoint shows and writing them out, and every
implementation pays the request: the URL resolver, the middleware, the session and the user. So each floor
is a plain function view mounted by the benchmark's URLconf (``benchmarks/urls.py``, under ``__floor__/``,
never in production) behind the product's own MIDDLEWARE and session login, which runs ONE query and
answers ``HttpResponse(orjson.dumps(rows))``. ``product ms / floor ms`` is then what the framework, the
serializers or templates and any extra queries cost on top of the least possible.

A signed-in read checks ``request.user.is_authenticated`` as a bare view would (loading the session and
the user, as the product does); the public pages' floors read no user. The SQL is portable between SQLite
and PostgreSQL.
"""

from __future__ import annotations

from decimal import Decimal
from functools import wraps

import orjson
from django.db import connection
from django.http import HttpResponse


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def rows(sql: str, params: list) -> list[dict]:
    """Execute one query and return its rows as dicts."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def run(sql: str, params: list) -> bytes:
    """One query's rows as JSON: the whole work of one floor."""
    return orjson.dumps(rows(sql, params), default=_default)


def answer(sql: str, params: list) -> HttpResponse:
    return HttpResponse(run(sql, params), content_type="application/json")


def signed_in(view):
    """Refuse an anonymous caller the cheap way a bare view would."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return HttpResponse(b'{"detail":"sign in"}', status=401, content_type="application/json")
        return view(request, *args, **kwargs)

    return checked


_COUNT = "(SELECT COUNT(*) FROM decisions_vote v WHERE v.decision_id = d.id AND v.position = '{}') AS votes_{}"

_DECISION_COLUMNS = f"""
SELECT d.id, a.slug AS alliance, d.body_id, b.code AS body_code, d.meeting_id, d.reference, d.title, d.proposal,
       d.rationale, d.alternatives_considered, d.kind, d.visibility, d.tags, d.status, d.value, d.opened_at,
       d.closes_at, d.closed_at, d.decided_on, d.review_on, d.agree_count, d.object_count, d.abstain_count,
       d.not_voted_count, d.recused_count, d.eligible_count, d.outcome_explanation,
       {_COUNT.format("AGREE", "agree")}, {_COUNT.format("OBJECT", "object")}, {_COUNT.format("ABSTAIN", "abstain")}
FROM decisions_decision d
JOIN alliance_alliance a ON a.id = d.alliance_id
JOIN alliance_governingbody b ON b.id = d.body_id
"""

DECISION_LIST = f"""{_DECISION_COLUMNS}
WHERE a.slug = %s AND d.status = %s
ORDER BY d.decided_on DESC, d.opened_at DESC, d.id DESC
LIMIT 50
"""

DECISION_DETAIL = """
SELECT 'decision' AS part, d.id, d.reference AS name, d.title AS other, d.status AS code, d.proposal AS text,
       d.opened_at AS at
FROM decisions_decision d WHERE d.id = %s
UNION ALL
SELECT 'vote', v.id, o.name, p.name, v.position, v.statement, v.cast_at
FROM decisions_vote v
JOIN alliance_membership m ON m.id = v.membership_id
JOIN alliance_organisation o ON o.id = m.organisation_id
JOIN roles_person p ON p.id = v.cast_by_id
WHERE v.decision_id = %s
UNION ALL
SELECT 'advice', ai.id, o.name, ai.response, NULL, ai.advice, ai.given_at
FROM decisions_advisoryinput ai
LEFT JOIN alliance_organisation o ON o.id = ai.organisation_id
WHERE ai.decision_id = %s
"""

DIRECTORY = """
SELECT r.id, r.title, r.kind, r.body_id, r.organisation_id, ra.id AS assignment_id, p.id AS person_id,
       p.name AS person, ra.starts_on, ra.ends_on
FROM roles_role r
JOIN alliance_alliance a ON a.id = r.alliance_id
LEFT JOIN roles_roleassignment ra ON ra.role_id = r.id AND ra.starts_on <= %s
     AND (ra.ends_on IS NULL OR ra.ends_on >= %s)
LEFT JOIN roles_person p ON p.id = ra.person_id
WHERE a.slug = %s
ORDER BY r.title, ra.starts_on
"""

AWARD_TRAIL = """
SELECT 'transition' AS kind, t.id, t.to_stage AS what, t.reason AS detail, t.at AS at
FROM contracts_stagetransition t WHERE t.process_id = %s
UNION ALL
SELECT 'submission', s.id, o.name, s.summary, s.submitted_on
FROM contracts_submission s JOIN alliance_organisation o ON o.id = s.bidder_id WHERE s.process_id = %s
UNION ALL
SELECT 'score', e.id, e.criterion, p.name, e.scored_on
FROM contracts_evaluationscore e
JOIN contracts_submission s ON s.id = e.submission_id
JOIN roles_person p ON p.id = e.evaluator_id
WHERE s.process_id = %s
UNION ALL
SELECT 'vote', v.id, v.position, v.statement, v.cast_at
FROM decisions_vote v JOIN contracts_awardprocess ap ON ap.approval_decision_id = v.decision_id WHERE ap.id = %s
UNION ALL
SELECT 'contract', c.id, c.title, c.status, c.starts_on FROM contracts_contract c WHERE c.awarded_through_id = %s
ORDER BY 5, 1, 2
"""

AUDIT_FEED = """
SELECT l.id, l.chain, l.history_date, l.object_model, l.object_id, l.change_type, l.user_id, l.source,
       l.history_model, l.history_id
FROM alliance_auditlink l WHERE l.chain = %s ORDER BY l.seq DESC LIMIT 50
"""

ROLE_TIMELINE = """
SELECT ra.id, ra.role_id, r.title AS role, ra.person_id, p.name AS person, ra.starts_on, ra.ends_on,
       ra.end_reason, ra.notes
FROM roles_roleassignment ra
JOIN roles_role r ON r.id = ra.role_id
JOIN roles_person p ON p.id = ra.person_id
WHERE ra.role_id = %s
ORDER BY ra.starts_on, ra.id
LIMIT 50
"""


# The members' decision log page: a page of 25, every status.
DECISION_LOG = f"""{_DECISION_COLUMNS}
WHERE a.slug = %s
ORDER BY d.decided_on DESC, d.opened_at DESC, d.id DESC
LIMIT 25
"""

# The public register page: the PUBLIC decisions that are not drafts, a page of 50.
PUBLIC_REGISTER = """
SELECT d.id, d.reference, d.title, d.kind, d.status, d.decided_on, d.opened_at, b.code AS body_code,
       b.name AS body_name, d.agree_count, d.object_count, d.abstain_count
FROM decisions_decision d
JOIN alliance_alliance a ON a.id = d.alliance_id
JOIN alliance_governingbody b ON b.id = d.body_id
WHERE a.slug = %s AND d.visibility = 'PUBLIC' AND d.status <> 'DRAFT'
ORDER BY d.decided_on IS NOT NULL, d.decided_on DESC, d.opened_at DESC, d.id DESC
LIMIT 50
"""

# A public decision: the decision and its votes, if it is PUBLIC and not a draft.
PUBLIC_DECISION = """
SELECT 'decision' AS part, d.id, d.reference AS name, d.title AS other, d.status AS code, d.proposal AS text,
       d.opened_at AS at
FROM decisions_decision d JOIN alliance_alliance a ON a.id = d.alliance_id
WHERE d.id = %s AND a.slug = %s AND d.visibility = 'PUBLIC' AND d.status <> 'DRAFT'
UNION ALL
SELECT 'vote', v.id, o.name, p.name, v.position, v.statement, v.cast_at
FROM decisions_vote v
JOIN decisions_decision d ON d.id = v.decision_id
JOIN alliance_membership m ON m.id = v.membership_id
JOIN alliance_organisation o ON o.id = m.organisation_id
JOIN roles_person p ON p.id = v.cast_by_id
WHERE v.decision_id = %s AND d.visibility = 'PUBLIC' AND d.status <> 'DRAFT'
"""

# The calendar: the alliance's scheduled and held meetings, and its published plan still to be decided.
CALENDAR = """
SELECT m.id, m.title, m.starts_at, m.location, m.status, b.code AS body_code, b.name AS body_name
FROM decisions_meeting m
JOIN alliance_governingbody b ON b.id = m.body_id
JOIN alliance_alliance a ON a.id = b.alliance_id
WHERE a.slug = %s AND m.status IN ('scheduled', 'held')
UNION ALL
SELECT e.id, e.title, e.expected_on, NULL, e.status, b.code, b.name
FROM alliance_forwardplanentry e
JOIN alliance_alliance a ON a.id = e.alliance_id
LEFT JOIN alliance_governingbody b ON b.id = e.body_id
WHERE a.slug = %s AND e.published AND e.status = 'planned'
ORDER BY 3, 1
"""

# The decision register export: every decision of the alliance with the columns of the CSV.
EXPORT = """
SELECT d.id, d.reference, b.code AS body_code, d.title, d.kind, d.status, d.visibility, d.meeting_id,
       m.title AS meeting_title, mb.code AS meeting_body_code, d.opened_at, d.closed_at, d.decided_on, d.review_on,
       d.agree_count, d.object_count, d.abstain_count, d.not_voted_count, d.recused_count, d.eligible_count,
       d.outcome_explanation, d.proposal, d.rationale, d.alternatives_considered, d.tags,
       am.reference AS amends_reference, su.reference AS supersedes_reference, d.taken_under_id,
       r.title AS taken_under_role, p.name AS decided_by, d.value
FROM decisions_decision d
JOIN alliance_alliance a ON a.id = d.alliance_id
JOIN alliance_governingbody b ON b.id = d.body_id
LEFT JOIN decisions_meeting m ON m.id = d.meeting_id
LEFT JOIN alliance_governingbody mb ON mb.id = m.body_id
LEFT JOIN decisions_decision am ON am.id = d.amends_id
LEFT JOIN decisions_decision su ON su.id = d.supersedes_id
LEFT JOIN roles_delegatedauthority da ON da.id = d.taken_under_id
LEFT JOIN roles_role r ON r.id = da.role_id
LEFT JOIN roles_person p ON p.id = d.decided_by_id
WHERE a.slug = %s
ORDER BY d.opened_at, d.id
"""


# The views: one query each ----------------------------------------------------------------------


def empty(request):
    """The request cycle alone: no query beyond what the middleware does, ``{}`` back. When the
    authentication middleware ran, it checks the user as every signed-in floor does."""
    user = getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        return HttpResponse(b'{"detail":"sign in"}', status=401, content_type="application/json")
    return HttpResponse(b"{}", content_type="application/json")


@signed_in
def decision_list(request):
    return answer(DECISION_LIST, [request.GET["alliance"], request.GET["status"]])


@signed_in
def decision_log(request):
    return answer(DECISION_LOG, [request.GET["alliance"]])


@signed_in
def decision_detail(request, pk: int):
    return answer(DECISION_DETAIL, [pk, pk, pk])


@signed_in
def directory(request):
    on = request.GET["on"]
    return answer(DIRECTORY, [on, on, request.GET["alliance"]])


@signed_in
def award_trail(request, pk: int):
    return answer(AWARD_TRAIL, [pk] * 5)


@signed_in
def audit_feed(request):
    return answer(AUDIT_FEED, [request.GET["chain"]])


@signed_in
def role_timeline(request):
    return answer(ROLE_TIMELINE, [request.GET["role"]])


@signed_in
def export(request):
    return answer(EXPORT, [request.GET["alliance"]])


def public_register(request, slug: str):
    return answer(PUBLIC_REGISTER, [slug])


def public_decision(request, slug: str, pk: int):
    return answer(PUBLIC_DECISION, [pk, slug, pk])


def calendar(request, slug: str):
    return answer(CALENDAR, [slug, slug])
