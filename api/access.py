"""Access control for the API, in one place: what each caller may list and read, and may change.

Reading: every viewset's queryset passes through the models' one read rule,
:func:`alliance.access.restrict` (by :class:`AccessMixin`), so
lists, details, counts, history and actions never reach a record the caller may not read; a
record outside the caller's reach answers 404, as if it did not exist. Anonymous callers read
only what an alliance publishes (PUBLIC decisions, their votes, PUBLIC awards).

Writing: the services decide who may write what, from the caller's standing passed to them as
``actor`` (roles/standing.py); this module only lets a logged-in caller reach a write the
services guard (:class:`StandingMixin`), and keeps every other write for staff.
"""

from __future__ import annotations

from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from alliance.access import restrict
from alliance.errors import RuleViolation
from alliance.models import Alliance
from contracts.models import AwardProcess
from decisions.models import Decision, Vote
from roles.access import request_access

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
#
# Who may write what is the services' to decide, from the caller's standing (roles/standing.py),
# so the API and the pages cannot disagree. A viewset whose writes the services guard names, per
# action, the standing check to run before its input is read (``write_standing``: the same
# function the service calls, with what is known then); the services check again, with the input.
# Every other write (the alliance, its members, roles, awards) is for staff.


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class StandingRefused(exceptions.PermissionDenied):
    """A service's standing refusal met while checking permissions: DRF's own code (the browsable
    API deciding which forms to show) then treats it as the permission refusal it is; the API's
    exception handler answers it as the service's refusal (api/exceptions.py)."""

    def __init__(self, refusal: RuleViolation):
        super().__init__(detail=refusal.message, code=refusal.code)
        self.refusal = refusal


class StandingMixin:
    """Ask the service's own standing check before the input is read, so a caller who may never do
    this hears 403 (``not_permitted``) rather than 400 about their input."""

    #: action name -> check(access, obj_or_None, data); a write not listed is for staff only.
    write_standing: dict = {}

    def check_permissions(self, request):
        super().check_permissions(request)
        if request.method not in SAFE_METHODS and not getattr(self, "detail", False):
            self._check_standing(request, None)

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj)
        if request.method not in SAFE_METHODS:
            self._check_standing(request, obj)

    def _check_standing(self, request, obj):
        access = request_access(request)
        check = self.write_standing.get(self.action)
        if check is None:
            if not access.staff:
                self.permission_denied(request, message=AllianceAccessPermission.message)
            return
        try:
            check(access, obj, request.data)
        except RuleViolation as refusal:
            if refusal.forbidden:
                raise StandingRefused(refusal) from refusal
            raise

    @property
    def actor(self):
        """The caller's standing, as the services take it."""
        return request_access(self.request)


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
    """Reading: logged in (or the public register). Writing: logged in; staff for a viewset whose
    writes the services do not guard (no ``write_standing``), else the services decide."""

    message = "You do not have the standing in this alliance that this needs; ask its secretary or an administrator."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if request.method in SAFE_METHODS:
            if user and user.is_authenticated:
                return True
            return getattr(view, "action", None) in PUBLIC_ACTIONS and _model_of(view) in PUBLIC_MODELS
        if not (user and user.is_authenticated):
            return False
        if getattr(view, "detail", False) or view.kwargs.get("pk") is not None:
            return True  # judged on the object (a method the route lacks still answers 405)
        return request_access(request).staff or isinstance(view, StandingMixin)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return request_access(request).staff or isinstance(view, StandingMixin)
