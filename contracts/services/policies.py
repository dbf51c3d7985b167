"""Adopting a version of the award policy (rule 8: a POLICY decision adopts a policy version).

A version is adopted by an AGREED POLICY decision of the same alliance; each decision adopts at
most one version, and every version comes into force after the one before it, so that "the
version in force on a date" always has one answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction

from alliance.choices import DecisionKind
from alliance.errors import RuleViolation
from alliance.formatting import day, money
from alliance.models import Alliance, GoverningBody
from alliance.services import save_checked
from contracts.models import AwardPolicy, Route, RouteRule
from decisions.models import Decision

__all__ = ["adopt_policy", "money"]


def parse_money(value, field: str, *, required: bool = False) -> Decimal | None:
    """An amount in pounds with two places, or a refusal that names the field."""
    if value is None or value == "":
        if required:
            raise RuleViolation("money_required", f"Give the {field.replace('_', ' ')} in pounds.", field=field)
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        raise RuleViolation("money_invalid", f"'{value}' is not an amount of money in pounds.", field=field)
    if amount < 0:
        raise RuleViolation("money_negative", "An amount of money cannot be negative.", field=field)
    return amount


def _check_decision(alliance: Alliance, decision: Decision) -> None:
    label = decision.reference or f"The draft '{decision.title}'"
    if decision.alliance_id != alliance.pk:
        raise RuleViolation(
            "policy_decision_other_alliance",
            f"{label} is a decision of another alliance; a policy of {alliance} is adopted by one of its own bodies.",
            field="adopted_by",
        )
    if decision.kind != DecisionKind.POLICY:
        raise RuleViolation(
            "policy_decision_not_policy",
            f"{label} is a {decision.get_kind_display().lower()} decision; an award policy is adopted by a POLICY "
            "decision.",
            field="adopted_by",
        )
    if decision.status != Decision.Status.AGREED:
        raise RuleViolation(
            "policy_decision_not_agreed",
            f"{label} is {decision.get_status_display().lower()}; an award policy is adopted only by an AGREED "
            "decision. Close the decision first.",
            field="adopted_by",
        )
    earlier = AwardPolicy.objects.filter(adopted_by=decision).first()
    if earlier:
        raise RuleViolation(
            "policy_decision_used",
            f"{decision.reference} already adopted {earlier}; each version needs its own POLICY decision.",
            field="adopted_by",
            conflict=True,
        )


def _points(values, field: str) -> list[str]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise RuleViolation("policy_points_invalid", "Give the points as a list of short texts.", field=field)
    return list(dict.fromkeys(str(v).strip().lower() for v in values if str(v).strip()))


def _criteria(values, route: str) -> list[dict]:
    criteria = []
    for item in values or []:
        name = str(item.get("name", "")).strip() if isinstance(item, dict) else ""
        try:
            weight = Decimal(str(item.get("weight"))) if isinstance(item, dict) else None
        except (InvalidOperation, TypeError, ValueError):
            weight = None
        if not name or weight is None or weight <= 0:
            raise RuleViolation(
                "policy_criterion_invalid",
                f"Each evaluation criterion of the {Route(route).label.lower()} route needs a name and a positive "
                'weight, e.g. {"name": "Quality", "weight": 60}.',
                field="rules",
            )
        criteria.append({"name": name, "weight": int(weight) if weight == int(weight) else float(weight)})
    names = [c["name"].lower() for c in criteria]
    if len(set(names)) != len(names):
        raise RuleViolation("policy_criterion_twice", "Name each evaluation criterion once.", field="rules")
    return criteria


def _rule(policy: AwardPolicy, spec: dict) -> RouteRule:
    route = spec.get("route")
    if route not in Route.values:
        raise RuleViolation(
            "policy_route_unknown",
            f"Unknown award route '{route}'; choose from {', '.join(Route.values)}.",
            field="rules",
        )
    label = Route(route).label.lower()
    rule = RouteRule(
        policy=policy,
        route=route,
        allowed=bool(spec.get("allowed", True)),
        min_value=parse_money(spec.get("min_value"), "min_value"),
        max_value=parse_money(spec.get("max_value"), "max_value"),
        min_submissions=int(spec.get("min_submissions") or 1),
        scored_evaluation_required=bool(spec.get("scored_evaluation_required", False)),
        justification_must_cover=_points(spec.get("justification_must_cover", []), "rules"),
        criteria=_criteria(spec.get("criteria"), route),
    )
    if rule.min_value is not None and rule.max_value is not None and rule.max_value < rule.min_value:
        raise RuleViolation(
            "policy_limits_order",
            f"The {label} route's highest value (£{rule.max_value:,.2f}) is below its lowest (£{rule.min_value:,.2f}).",
            field="rules",
        )
    if rule.scored_evaluation_required and not rule.criteria:
        raise RuleViolation(
            "policy_criteria_required",
            f"The {label} route requires scored evaluation, so name its criteria with their weights.",
            field="rules",
        )
    if route == Route.MINI_COMPETITION and rule.allowed and not rule.criteria:
        raise RuleViolation(
            "policy_criteria_required",
            "A mini-competition is decided on scores, so name its evaluation criteria with their weights.",
            field="rules",
        )
    if route == Route.DIRECT_AWARD and rule.min_submissions != 1:
        raise RuleViolation(
            "policy_direct_award_submissions",
            "A direct award names exactly one member, so it takes exactly one submission.",
            field="rules",
        )
    return rule


@transaction.atomic
def adopt_policy(
    *,
    alliance: Alliance,
    adopted_by: Decision,
    in_force_from: date,
    approving_body: GoverningBody,
    rules: Iterable[dict],
    title: str = "Award policy",
    notes: str = "",
) -> AwardPolicy:
    """Adopt the next version of the award policy by an AGREED POLICY decision (rules 6 and 8)."""
    Alliance.objects.select_for_update().filter(pk=alliance.pk).first()
    adopted_by = Decision.objects.select_related("alliance").get(pk=adopted_by.pk)
    _check_decision(alliance, adopted_by)
    if approving_body.alliance_id != alliance.pk:
        raise RuleViolation(
            "policy_body_other_alliance",
            f"{approving_body} belongs to another alliance; name a body of {alliance} to approve awards.",
            field="approving_body",
        )
    last = AwardPolicy.objects.filter(alliance=alliance).order_by("-version").first()
    if last and in_force_from <= last.in_force_from:
        raise RuleViolation(
            "policy_in_force_order",
            f"Version {last.version} is in force from {day(last.in_force_from)}; a new version must come into "
            "force after that date.",
            field="in_force_from",
        )
    specs = list(rules)
    routes = [s.get("route") for s in specs]
    if len(set(routes)) != len(routes):
        raise RuleViolation("policy_route_twice", "Give the rules of each award route once.", field="rules")
    policy = AwardPolicy(
        alliance=alliance,
        version=(last.version + 1) if last else 1,
        title=(title or "Award policy").strip(),
        adopted_by=adopted_by,
        in_force_from=in_force_from,
        approving_body=approving_body,
        notes=notes,
    )
    built = [_rule(policy, spec) for spec in specs]
    save_checked(policy, f"Adopted by {adopted_by.reference}")
    # A route the version does not mention is not allowed under it: say so explicitly, so that the
    # side-by-side comparison of versions shows every route.
    missing = [r for r in Route.values if r not in routes]
    built += [RouteRule(policy=policy, route=r, allowed=False) for r in missing]
    for rule in built:
        rule.policy = policy
        save_checked(rule, f"Adopted by {adopted_by.reference}")
    return policy
