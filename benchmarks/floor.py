"""The floor of each read figure: one hand-written SQL query for the same rows, dumped with orjson.

No implementation can do less work than fetching the rows an endpoint shows and serialising them,
so the ratio endpoint / floor says how much the framework, the serializers and any extra queries
cost on top. The SQL is portable between SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import orjson
from django.db import connection


def _default(value):
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


def run(sql: str, params: list) -> bytes:
    """Execute one query and dump its rows as JSON objects: the whole floor of one figure."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return orjson.dumps(rows, default=_default)


_COUNT = "(SELECT COUNT(*) FROM decisions_vote v WHERE v.decision_id = d.id AND v.position = '{}') AS votes_{}"

DECISION_LIST = f"""
SELECT d.id, a.slug AS alliance, d.body_id, b.code AS body_code, d.meeting_id, d.reference, d.title, d.proposal,
       d.rationale, d.alternatives_considered, d.kind, d.visibility, d.tags, d.status, d.value, d.opened_at,
       d.closes_at, d.closed_at, d.decided_on, d.review_on, d.agree_count, d.object_count, d.abstain_count,
       d.not_voted_count, d.recused_count, d.eligible_count, d.outcome_explanation,
       {_COUNT.format("AGREE", "agree")}, {_COUNT.format("OBJECT", "object")}, {_COUNT.format("ABSTAIN", "abstain")}
FROM decisions_decision d
JOIN alliance_alliance a ON a.id = d.alliance_id
JOIN alliance_governingbody b ON b.id = d.body_id
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


def decision_list(slug: str, status: str) -> bytes:
    return run(DECISION_LIST, [slug, status])


def decision_detail(pk: int) -> bytes:
    return run(DECISION_DETAIL, [pk, pk, pk])


def directory(slug: str, on: date) -> bytes:
    return run(DIRECTORY, [on, on, slug])


def award_trail(pk: int) -> bytes:
    return run(AWARD_TRAIL, [pk] * 5)


def audit_feed(chain: str) -> bytes:
    return run(AUDIT_FEED, [chain])


def role_timeline(pk: int) -> bytes:
    return run(ROLE_TIMELINE, [pk])
