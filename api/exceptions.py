"""One place that turns refusals into JSON a person can act on, and logs them."""

import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from alliance.errors import RuleViolation

security_log = logging.getLogger("alliance.security")


def _log_refusal(exc, context) -> None:
    request = context.get("request")
    user = getattr(request, "user", None)
    who = user.get_username() if user is not None and user.is_authenticated else "anonymous"
    where = f"{request.method} {request.path}" if request is not None else "?"
    forbidden = isinstance(exc, RuleViolation) and exc.forbidden
    if forbidden or isinstance(
        exc, (exceptions.PermissionDenied, exceptions.NotAuthenticated, exceptions.AuthenticationFailed)
    ):
        security_log.warning("refused %s for %s: %s", where, who, exc)
    elif isinstance(exc, RuleViolation):
        security_log.info("rule %s refused %s for %s: %s", exc.code, where, who, exc.message)


def _messages(errors, where: str = "") -> list[str]:
    """Flatten DRF's nested errors (lists of items, nested objects) into plain sentences.

    ``{0: [ErrorDetail("Not a valid string.")]}`` for a list's first item becomes
    ``["item 1: Not a valid string."]``, so no Python representation reaches the caller.
    """
    if isinstance(errors, dict):
        return [m for key, value in errors.items() for m in _messages(value, f"{where}{_place(key)}: ")]
    if isinstance(errors, (list, tuple)):
        if errors and all(isinstance(e, (dict, list, tuple)) or not e for e in errors):
            # One entry per item of the input list (empty where the item was fine).
            return [m for n, value in enumerate(errors) if value for m in _messages(value, f"{where}item {n + 1}: ")]
        return [m for value in errors for m in _messages(value, where)]
    return [f"{where}{errors}"]


def _place(key) -> str:
    return f"item {key + 1}" if isinstance(key, int) else str(key)


def exception_handler(exc, context):
    refusal = getattr(exc, "refusal", None)
    if isinstance(refusal, RuleViolation):
        exc = refusal  # api/access.py StandingRefused: the service's own refusal, met in a permission check
    _log_refusal(exc, context)
    if isinstance(exc, RuleViolation):
        if exc.forbidden:
            code = status.HTTP_403_FORBIDDEN
        else:
            code = status.HTTP_409_CONFLICT if exc.conflict else status.HTTP_400_BAD_REQUEST
        return Response(exc.as_dict(), status=code)
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            detail = {field: [m for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
            field = next(iter(detail), None)
            message = "; ".join(f"{f}: {' '.join(m)}" for f, m in detail.items())
            return Response(
                {"code": "invalid", "detail": message, "field": field, "errors": detail},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response({"code": "invalid", "detail": " ".join(exc.messages), "field": None}, status=400)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        # Field errors from a serializer: keep them per field and add one readable sentence.
        errors = {field: _messages(value) for field, value in response.data.items()}
        field = next(iter(errors), None)
        first = " ".join(errors[field]) if field else ""
        response.data = {
            "code": "invalid",
            "detail": f"{field}: {first}" if field and field != "non_field_errors" else first,
            "field": None if field == "non_field_errors" else field,
            "errors": errors,
        }
    elif response is not None and isinstance(response.data, dict) and "code" not in response.data:
        detail = response.data.get("detail")
        response.data["code"] = getattr(detail, "code", "error")
    return response
