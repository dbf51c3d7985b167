"""Access control for the API, in one place: what each caller may list and read, and may change.

Reading: every viewset's queryset passes through the models' one read rule,
:func:`alliance.access.restrict` (by :class:`AccessMixin`), so
lists, details, counts, history and actions never reach a record the caller may not read; a
record outside the caller's reach answers 404, as if it did not exist. Anonymous callers read
only what an alliance publishes (PUBLIC decisions, their votes, PUBLIC awards).

Writing: staff may do everything; a body's secretary keeps that body's meetings and decisions;
a member's representative casts their own organisation's vote and gives its advice; oversight
and viewers write nothing. The services then apply the domain rules (a person casting a vote
must hold the member's representative role on that date, and so on).
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from alliance.access import restrict
from alliance.models import Alliance, GoverningBody, Membership
from contracts.models import AwardProcess, OversightNote
from decisions.models import ActionItem, Decision, Meeting, Vote
from roles.access import Access, request_access

# What an anonymous visitor may read: the public register of publishing alliances. Which rows of
# them is the models' own read rule (alliance/access.py).
PUBLIC_MODELS = {Alliance, Decision, Vote, AwardProcess}


class AccessMixin:
    """Restrict every queryset a viewset serves (lists, details, actions) to what the caller may read.

    DRF passes every list and every object lookup (``get_object``) through ``filter_queryset``,
    whatever filter backends an action names, so the restriction holds for custom actions too.
    """

    def filter_queryset(self, queryset):
        return restrict(super().filter_queryset(queryset), request_access(self.request))


__all__ = ["AccessMixin", "AllianceAccessPermission", "restrict"]


# Writing ---------------------------------------------------------------------------------------


def _id(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _may_vote(access: Access, decision: Decision, data) -> bool:
    membership = Membership.objects.filter(pk=_id(data.get("membership")), alliance_id=decision.alliance_id).first()
    # A representative casts their own organisation's vote, as themselves; never another's. A
    # recorded_by naming someone other than the caller is refused by the service (400 on that field).
    return access.may_cast_vote(decision.body, membership, cast_by_id=_id(data.get("cast_by")), recorded=False)


def _may_advise(access: Access, decision: Decision, data) -> bool:
    return access.may_give_advice(
        decision.body, organisation_id=_id(data.get("organisation")), person_id=_id(data.get("person"))
    )


def _decision_rule(access: Access, view, request, decision: Decision) -> bool:
    if view.action == "votes":
        return _may_vote(access, decision, request.data)
    if view.action == "advice":
        return _may_advise(access, decision, request.data)
    return access.is_secretary_of(decision.body)


OBJECT_RULES = {
    Decision: _decision_rule,
    Meeting: lambda access, view, request, meeting: access.is_secretary_of(meeting.body),
    OversightNote: lambda access, view, request, note: note.author_id == request.user.pk,
    ActionItem: lambda access, view, request, item: (
        access.is_secretary_of(item.decision.body)
        or (access.person_id is not None and item.owner_person_id == access.person_id)
    ),
}


def _body_from(data) -> GoverningBody | None:
    return GoverningBody.objects.filter(pk=_id(data.get("body"))).first()


def _create_rule(access: Access, view, request) -> bool:
    model = _model_of(view)
    if model in (Decision, Meeting) and view.action in ("create",):
        body = _body_from(request.data)
        return body is not None and access.is_secretary_of(body)
    if model is OversightNote and view.action == "create":
        return bool(access.oversight_of)  # the service checks the note's alliance
    if model is Decision and view.action == "delegated":
        # The holder of a delegation records the decision they took under it.
        return access.person_id is not None and _id(request.data.get("decided_by")) == access.person_id
    return False


# What an anonymous visitor may call on those: the register itself and its open-data form.
PUBLIC_ACTIONS = {"list", "retrieve", "ocds_release", "ocds_package", None}


def _model_of(view):
    queryset = getattr(view, "queryset", None)
    if queryset is not None:
        return queryset.model
    try:
        return view.get_queryset().model
    except Exception:  # a view without a queryset serves no public model
        return None


class AllianceAccessPermission(BasePermission):
    """Reading: logged in (or the public register). Writing: staff, or the standing the action needs."""

    message = "You do not have the standing in this alliance that this needs; ask its secretary or an administrator."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if request.method in SAFE_METHODS:
            if user and user.is_authenticated:
                return True
            return getattr(view, "action", None) in PUBLIC_ACTIONS and _model_of(view) in PUBLIC_MODELS
        if not (user and user.is_authenticated):
            return False
        access = request_access(request)
        if access.staff:
            return True
        if getattr(view, "detail", False) or view.kwargs.get("pk") is not None:
            return True  # judged on the object in has_object_permission
        return _create_rule(access, view, request)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        access = request_access(request)
        if access.staff:
            return True
        rule = OBJECT_RULES.get(type(obj))
        return bool(rule and rule(access, view, request, obj))
