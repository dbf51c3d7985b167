"""What a locked-out login sees: a page on the site, JSON in the API (django-axes' lock-out callable)."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = (
        f"Too many failed logins: this username is locked on this address for {minutes} minutes. "
        "Try again later, or ask an administrator to unlock it."
    )
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "locked_out", "detail": message, "field": None}, status=429)
    return render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
