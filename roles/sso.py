"""Single sign-on with OpenID Connect, beside the password login (docs/sso.md).

mozilla-django-oidc does the protocol: the authorization request with state, nonce and PKCE, the
code exchange at the provider's token endpoint, and the id_token's signature checked against the
provider's published keys (JWKS). This module adds what the tracker needs around it: the issuer and
audience checked too, the account resolved to a Person (roles/identities.py), a switched-off login
and django-axes' lock-out refused as for a password, and every sign-in and refusal logged, with a
page that says what happened and what to do.
"""

from __future__ import annotations

import logging

import jwt
import requests
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.shortcuts import render
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from alliance.errors import RuleViolation
from roles.identities import SignIn, check_may_sign_in, complete_sign_in, identify

security_log = logging.getLogger("alliance.security")
RETRY = "Nothing was changed. Go back to the login page and sign in again."
# Refusals that are not the person's doing: the answer was not what the sign-in started (400).
BAD_ANSWER = {"sso_state_mismatch", "sso_provider_failed"}


def enabled() -> bool:
    return bool(getattr(settings, "SSO_ENABLED", False))


def provider_name() -> str:
    return settings.SSO_PROVIDER_NAME


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def not_set_up(request):
    """What the sign-in addresses answer on a server without single sign-on: a page of the site saying
    so (404, as the addresses lead nowhere), never Django's technical 404 page in a DEBUG run."""
    return render(request, "registration/sso_off.html", status=404)


def provider_failed(why: str) -> RuleViolation:
    security_log.warning("single sign-on: the provider's answer was refused: %s", why)
    return RuleViolation(
        "sso_provider_failed",
        f"The sign-in at {provider_name()} could not be checked: the provider's answer was missing, unreadable "
        f"or not meant for this site. {RETRY} If it happens again, tell an administrator.",
    )


def axes_username(request, credentials=None):
    """The username django-axes counts a failure against: the login a refused sign-in resolved to,
    else what a password form or the token endpoint sent (axes' own rule)."""
    resolved = getattr(request, "sso_username", None)
    if resolved:
        return resolved
    if credentials:
        return credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    return getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)


class PersonOIDCBackend(OIDCAuthenticationBackend):
    """Signs in the person a provider's account is linked to; never by password."""

    def authenticate(self, request, **kwargs):
        if request is None or "nonce" not in kwargs:  # a password login, or the token endpoint
            return None
        return super().authenticate(request, **kwargs)

    def get_or_create_user(self, access_token, id_token, payload):
        request = self.request
        request.sso_username = f"sso:{payload.get('sub')}"
        try:
            claims = self._checked_claims(access_token, id_token, payload)
            sign_in = identify(issuer=settings.OIDC_OP_ISSUER, claims=claims, provider=provider_name())
            if sign_in.user is not None:
                request.sso_username = sign_in.user.get_username()
            check_may_sign_in(sign_in)
            self._check_not_locked_out(request, sign_in)
            return complete_sign_in(sign_in=sign_in)
        except RuleViolation as refusal:
            request.sso_refusal = refusal
            # Stops the other backends; Django then sends user_login_failed, which django-axes counts
            # against `sso_username` and logs, as for a wrong password.
            raise PermissionDenied(refusal.message) from refusal

    def _checked_claims(self, access_token, id_token, payload) -> dict:
        """The userinfo claims, once the id_token is known to be this provider's, for this client."""
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if payload.get("iss") != settings.OIDC_OP_ISSUER or settings.OIDC_RP_CLIENT_ID not in audiences:
            raise provider_failed(f"the id_token names issuer {payload.get('iss')} and audience {audience}")
        claims = self.get_userinfo(access_token, id_token, payload)
        if str(claims.get("sub")) != str(payload.get("sub")):
            raise provider_failed("the userinfo answer names another account than the id_token")
        return claims

    def _check_not_locked_out(self, request, sign_in: SignIn) -> None:
        if sign_in.user is None:
            return
        credentials = {settings.AXES_USERNAME_FORM_FIELD: sign_in.user.get_username()}
        if not AxesProxyHandler.is_allowed(request, credentials):
            request.axes_locked_out = True  # AxesMiddleware answers with the lock-out page
            request.axes_credentials = credentials
            raise RuleViolation("sso_locked_out", "Too many failed logins: this login is locked on this address.")


class SignInStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's sign-in, remembering state, nonce and PKCE verifier in the session."""

    def __init__(self, **kwargs):
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)  # settings are read per request

    def get(self, request):
        if not enabled():
            return not_set_up(request)
        self.OIDC_OP_AUTH_ENDPOINT = settings.OIDC_OP_AUTHORIZATION_ENDPOINT
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class SignInCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the browser back: the code is exchanged, checked, and the person signed in."""

    def get(self, request):
        if not enabled():
            return not_set_up(request)
        states = request.session.get("oidc_states") or {}
        state = request.GET.get("state", "")
        started = states.pop(state, None)  # one use: a replayed answer finds nothing
        request.session["oidc_states"] = states
        if request.GET.get("error"):
            return self.refused(
                "sso_provider_refused",
                f"{provider_name()} did not sign you in ({request.GET.get('error')}). {RETRY}",
            )
        if started is None or not request.GET.get("code"):
            return self.refused(
                "sso_state_mismatch",
                "This sign-in answer does not belong to a sign-in started in this browser: it may be old, used "
                f"already or altered. {RETRY}",
            )
        try:
            self.user = auth.authenticate(
                request=request, nonce=started["nonce"], code_verifier=started.get("code_verifier")
            )
        except (requests.RequestException, SuspiciousOperation, jwt.InvalidTokenError, KeyError, ValueError) as error:
            refusal = provider_failed(f"{type(error).__name__}: {error}")
            return self.refused(refusal.code, refusal.message, logged=True)
        if self.user is None:
            refusal = getattr(request, "sso_refusal", None) or RuleViolation(
                "sso_not_signed_in", f"{provider_name()} did not sign you in. {RETRY}"
            )
            return self.refused(refusal.code, refusal.message, logged=refusal.code in BAD_ANSWER)
        security_log.info(
            "single sign-on: %s signed in as %s from %s", provider_name(), self.user, _client_address(request)
        )
        return self.login_success()

    def refused(self, code: str, message: str, *, logged: bool = False):
        if not logged:
            account = getattr(self.request, "sso_username", None) or "an unknown account"
            security_log.warning(
                "single sign-on refused (%s) for %s from %s: %s", code, account, _client_address(self.request), message
            )
        context = {"message": message, "provider": provider_name()}
        status = 400 if code in BAD_ANSWER else 403
        return render(self.request, "registration/sso_refused.html", context, status=status)


class LoginView(auth_views.LoginView):
    """The password login, with the single sign-on button beside it when single sign-on is configured."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso_provider": provider_name() if enabled() else None}
