"""Reads of award policies, award processes and contracts that more than one caller needs.

Dates are parameters. Lists name their ``select_related`` / ``prefetch_related`` here, once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet

from alliance.access import Access
from alliance.formatting import day
from alliance.models import Agreement, Alliance
from alliance.queries import voting_members_on
from alliance.term import EARLIEST, LATEST
from contracts.models import (
    AwardInterest,
    AwardPolicy,
    AwardProcess,
    Contract,
    EvaluationScore,
    Route,
    RouteRule,
    Submission,
)
from decisions.models import Recusal
from roles.models import InterestDeclaration, Role, RoleAssignment

# Policies -----------------------------------------------------------------------------------


def policies(alliance: Alliance) -> QuerySet[AwardPolicy]:
    """Every version of the alliance's award policy, oldest first, with its rules and adopting decision."""
    return (
        AwardPolicy.objects.filter(alliance=alliance)
        .select_related("alliance", "adopted_by__alliance", "approving_body")
        .prefetch_related(Prefetch("rules", queryset=RouteRule.objects.order_by("route")))
        .order_by("version")
    )


def policy_in_force(alliance: Alliance, on: date) -> AwardPolicy | None:
    """The version of the award policy in force on ``on``: the latest in force from that date or earlier."""
    return (
        AwardPolicy.objects.filter(alliance=alliance, in_force_from__lte=on)
        .select_related("adopted_by", "approving_body")
        .order_by("-in_force_from", "-version")
        .first()
    )


RULE_FIELDS = [
    ("allowed", "Allowed"),
    ("min_value", "Lowest total value"),
    ("max_value", "Highest total value"),
    ("min_submissions", "Minimum submissions"),
    ("scored_evaluation_required", "Scored evaluation required"),
    ("justification_must_cover", "Justification must cover"),
    ("criteria", "Evaluation criteria"),
]


def _rule_value(rule: RouteRule | None, name: str) -> str:
    if rule is None:
        return "not set"
    value = getattr(rule, name)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name in ("min_value", "max_value"):
        return "no limit" if value is None else f"£{value:,.2f}"
    if name == "criteria":
        return ", ".join(f"{c['name']} ({c['weight']}%)" for c in value) or "none"
    if name == "justification_must_cover":
        return ", ".join(value) or "nothing specific"
    return str(value)


def compare_policies(old: AwardPolicy | None, new: AwardPolicy) -> list[dict]:
    """What changed between two versions, route by route: ``[{route, label, rows: [{label, old, new, changed}]}]``.

    Both policies should come from :func:`policies` so their rules are already loaded.
    """
    old_rules = {r.route: r for r in old.rules.all()} if old else {}
    new_rules = {r.route: r for r in new.rules.all()}
    out = []
    header = [
        (
            "In force from",
            day(old.in_force_from) if old else "",
            day(new.in_force_from),
        ),
        ("Approving body", str(old.approving_body) if old else "", str(new.approving_body)),
    ]
    out.append(
        {
            "route": "",
            "label": "The policy",
            "rows": [{"label": lb, "old": o, "new": n, "changed": bool(old) and o != n} for lb, o, n in header],
        }
    )
    for route in Route:
        rows = []
        for name, label in RULE_FIELDS:
            o = _rule_value(old_rules.get(route), name) if old else ""
            n = _rule_value(new_rules.get(route), name)
            rows.append({"label": label, "old": o, "new": n, "changed": bool(old) and o != n})
        out.append({"route": route.value, "label": route.label, "rows": rows})
    return out


def policy_versions(alliance: Alliance, access: Access | None = None) -> list[dict]:
    """Every version with what changed from the one before it, for the side-by-side page; with
    ``access``, only the versions that reader may read (one adopted by a CONFIDENTIAL decision is not)."""
    versions = list(policies(alliance) if access is None else policies(alliance).restrict(access))
    return [
        {"policy": p, "previous": prev, "comparison": compare_policies(prev, p)}
        for prev, p in zip([None, *versions[:-1]], versions, strict=True)
    ]


# Processes ----------------------------------------------------------------------------------


def award_register(alliance: Alliance | None = None) -> QuerySet[AwardProcess]:
    """Award processes with what a list shows, newest first; every alliance when None."""
    qs = AwardProcess.objects.all() if alliance is None else AwardProcess.objects.filter(alliance=alliance)
    return qs.select_related(
        "alliance",
        "policy",
        "direct_award_to",
        "recommended_submission__bidder",
        "approval_decision",
        "resulting_contract",
    ).annotate(submission_count=Count("submissions", distinct=True))


def score_grid(process: AwardProcess) -> dict:
    """Scores of a process: ``scores[(submission_id, criterion, evaluator_id)] = score``, the evaluators, and
    each submission's weighted total out of 100 (the mean of the evaluators' scores on each criterion)."""
    rows = list(
        EvaluationScore.objects.filter(submission__process=process)
        .select_related("evaluator", "submission__bidder")
        .order_by("evaluator__name", "pk")
    )
    evaluators = list({r.evaluator_id: r.evaluator for r in rows}.values())
    rule = next((r for r in process.policy.rules.all() if r.route == process.route), None)
    weights = {c["name"]: Decimal(str(c["weight"])) for c in (rule.criteria if rule else [])}
    per = defaultdict(list)
    for r in rows:
        per[(r.submission_id, r.criterion)].append(r.score)
    totals = defaultdict(Decimal)
    for (submission_id, criterion), scores in per.items():
        mean = Decimal(sum(scores)) / len(scores)
        totals[submission_id] += weights.get(criterion, Decimal(0)) * mean / 10
    return {
        "rows": rows,
        "scores": {(r.submission_id, r.criterion, r.evaluator_id): r.score for r in rows},
        "evaluators": evaluators,
        "criteria": list(weights),
        "totals": {k: v.quantize(Decimal("0.1")) for k, v in totals.items()},
    }


def _representing(person_ids: set[int], alliance_id: int, on: date) -> dict[int, list[int]]:
    """The organisations each person represents (representative or deputy role) on ``on``."""
    held = RoleAssignment.objects.held_on(on).filter(
        person_id__in=person_ids, role__alliance_id=alliance_id, role__kind__in=Role.REPRESENTATIVE_KINDS
    )
    out = defaultdict(list)
    for person_id, org_id in held.values_list("person_id", "role__organisation_id"):
        out[person_id].append(org_id)
    return out


def members_to_recuse(process: AwardProcess, on: date) -> list[dict]:
    """The voting members to recuse from the approval on ``on`` (rule 5), each with source, reason and interest.

    A member is recused when it has a submission in the process; when one of its people declared an
    interest in the process that still applies on ``on``; or when one of its people has an interest
    current on ``on`` in a bidder. A recusal for an interest names the declaration it rests on.
    """
    members = {m.organisation_id: m for m in voting_members_on(process.alliance, on)}
    submissions = list(process.submissions.select_related("bidder"))
    bidders = {s.bidder_id for s in submissions}
    out, seen = [], set()

    def add(org_id, source, reason, interest=None):
        if org_id in members and org_id not in seen:
            seen.add(org_id)
            out.append({"membership": members[org_id], "source": source, "reason": reason, "interest": interest})

    for s in submissions:
        add(s.bidder_id, Recusal.Source.SUBMISSION, f"{s.bidder} has a submission in {process.reference}.")
    # A noted interest that no longer applied on ``on`` recuses nobody: a recusal rests on an open declaration.
    noted = [
        i.declaration
        for i in AwardInterest.objects.filter(process=process).select_related("declaration__person")
        if i.declaration.is_current_on(on)
    ]
    current = list(
        InterestDeclaration.objects.current_on(on)
        .filter(alliance_id=process.alliance_id, concerns_organisation_id__in=bidders)
        .select_related("person", "concerns_organisation")
    )
    declarations = noted + [d for d in current if d.pk not in {n.pk for n in noted}]
    reps = _representing({d.person_id for d in declarations if d.represents_id is None}, process.alliance_id, on)
    for d in declarations:
        what = process.reference if d in noted else str(d.concerns_organisation)
        for org_id in [d.represents_id] if d.represents_id else reps.get(d.person_id, []):
            add(org_id, Recusal.Source.DECLARED_INTEREST, f"{d.person} declared an interest in {what}: {d.interest}", d)
    return out


def award_record(pk: int) -> AwardProcess:
    """One process with everything its page shows."""
    return (
        award_register()
        .select_related("policy__approving_body", "policy__adopted_by", "created_by")
        .prefetch_related(
            Prefetch("submissions", queryset=Submission.objects.select_related("bidder").order_by("bidder__name")),
            Prefetch("policy__rules", queryset=RouteRule.objects.order_by("route")),
            Prefetch("interests", queryset=AwardInterest.objects.select_related("declaration__person")),
            "transitions__by",
        )
        .get(pk=pk)
    )


# Contracts and budget -----------------------------------------------------------------------


def contract_register(alliance: Alliance | None = None) -> QuerySet[Contract]:
    qs = Contract.objects.all() if alliance is None else Contract.objects.filter(alliance=alliance)
    return qs.select_related("alliance", "provider", "awarded_through").order_by("title", "pk")


def financial_year(on: date) -> int:
    """The financial year (April to March) ``on`` falls in: 2021 means 2021/22."""
    return on.year if on.month >= 4 else on.year - 1


def _share_of_year(starts_on: date, ends_on: date, year: int) -> Decimal:
    first, last = date(year, 4, 1), date(year + 1, 3, 31)
    start, end = max(first, starts_on), min(last, ends_on)
    if end < start:
        return Decimal(0)
    return Decimal((end - start).days + 1) / Decimal((last - first).days + 1)


def _terms(contract: Contract) -> list[tuple[date, date, Decimal]]:
    """Each period of the contract at the value committed for it, cut at the contract's end (an early end)."""
    terms = [(t.starts_on, t.ends_on, t.annual_value) for t in contract.terms.all()]
    terms = terms or [(contract.starts_on, contract.ends_on, contract.annual_value)]
    return [(start, min(end, contract.ends_on), value) for start, end, value in terms if start <= contract.ends_on]


def budget_by_year(alliance: Alliance, access: Access | None = None) -> list[dict]:
    """Committed annual contract values per financial year against the agreement's budget, with headroom.

    A contract commits, for each of its terms, the annual value committed for that term times the
    share of the year the term covers, so an extension does not rewrite earlier years; a contract
    terminated early counts in the years it ran (to its recorded end). Contracts retained by the
    commissioner are shown apart and do not count against the alliance's budget. With ``access``,
    only the contracts that reader may read are counted.
    """
    agreement = Agreement.objects.filter(alliance=alliance).prefetch_related("budgets").order_by("-version").first()
    budgets = {b.financial_year: b.amount for b in agreement.budgets.all()} if agreement else {}
    readable = Contract.objects.filter(alliance=alliance)
    readable = readable if access is None else readable.restrict(access)
    contracts = [(c, _terms(c)) for c in readable.prefetch_related("terms")]
    years = set(budgets)
    for c, _ in contracts:
        # Within the register's bounds: a contract stored with year 1 or 9999 adds a century, not ten.
        first, last = max(financial_year(c.starts_on), EARLIEST.year), min(financial_year(c.ends_on), LATEST.year)
        years.update(range(first, last + 1))
    rows = []
    for year in sorted(years):
        committed, retained, count = Decimal(0), Decimal(0), 0
        for c, terms in contracts:
            shares = [(value, _share_of_year(start, end, year)) for start, end, value in terms]
            if any(share for _, share in shares):
                amount = sum((value * share for value, share in shares), Decimal(0))
                count += 1
                if c.in_scope:
                    committed += amount
                else:
                    retained += amount
        budget = budgets.get(year)
        committed = committed.quantize(Decimal("0.01"))
        rows.append(
            {
                "financial_year": year,
                "label": f"{year}/{(year + 1) % 100:02d}",
                "budget": budget,
                "committed": committed,
                "retained": retained.quantize(Decimal("0.01")),
                "contracts": count,
                "headroom": None if budget is None else budget - committed,
                "used_percent": None if not budget else int(committed * 100 / budget),
            }
        )
    return rows
