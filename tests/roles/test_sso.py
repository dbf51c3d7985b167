"""Single sign-on against a real OpenID Connect provider (django-oidc-provider) running beside the tests.

Each sign-in walks the whole flow: the tracker's start page sends the browser to the provider's
authorize endpoint; the provider's own login page takes the account's password; the provider sends
the browser back with a code; the tracker exchanges it at the provider's token endpoint, checks the
id_token's RS256 signature against the provider's JWKS, reads the userinfo, and signs in the person
the account is linked to. Nothing of the protocol is mocked: the browser's side is `requests`
talking to the provider process, and the Django test client on the tracker's side.
"""

import html
import re
from io import StringIO
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from axes.models import AccessAttempt, AccessLog
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from alliance.models import AuditLink
from roles.models import Person, SignInIdentity
from tests.factories import PersonFactory, StaffFactory, UserFactory
from tests.oidc_provider.accounts import PASSWORD
from tests.oidc_provider.server import identity_provider

pytestmark = [pytest.mark.django_db, pytest.mark.axes, pytest.mark.slow]
User = get_user_model()


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    with identity_provider(tmp_path_factory.mktemp("identity-provider")) as provider:
        yield provider


@pytest.fixture
def sso(settings, oidc_provider):
    for name, value in oidc_provider.settings().items():
        setattr(settings, name, value)
    settings.SSO_ENABLED = True
    settings.SSO_PROVIDER_NAME = "Dunmarrow Council account"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, "roles.sso.PersonOIDCBackend"]
    return oidc_provider


def at_provider(client, provider, username: str) -> str:
    """Start at the tracker, sign in at the provider as ``username``; the address the provider sends back to."""
    start = client.get("/accounts/sso/start/?next=/alliances/")
    assert start.status_code == 302
    assert start["Location"].startswith(provider.configuration["authorization_endpoint"])
    browser = requests.Session()
    to_login = browser.get(start["Location"], allow_redirects=False, timeout=30)
    assert to_login.status_code == 302, to_login.text
    login_page = urljoin(provider.url, to_login.headers["Location"])
    form = browser.get(login_page, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    signed_in = browser.post(
        login_page,
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302, signed_in.text
    back = browser.get(urljoin(provider.url, signed_in.headers["Location"]), allow_redirects=False, timeout=30)
    assert back.status_code == 302, back.text
    assert back.headers["Location"].startswith("http://testserver/accounts/sso/callback/?")
    return back.headers["Location"]


def sign_in(client, provider, username: str):
    """The whole walk; the tracker's answer to the provider's redirect back."""
    back = urlsplit(at_provider(client, provider, username))
    return client.get(f"{back.path}?{back.query}")


def rowan_back_from_provider(client, provider) -> str:
    """Rowan (a person with a verified email) signs in at the provider; where it sends the browser back to."""
    PersonFactory(email="rowan.hale@dunmarrow.example")
    back = urlsplit(at_provider(client, provider, "rowan"))
    return f"{back.path}?{back.query}"


def signed_in_user(client):
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def counts():
    return (
        SignInIdentity.objects.count(),
        SignInIdentity.history.count(),
        User.objects.count(),
        Person.history.count(),
    )


def test_a_verified_email_of_one_person_signs_in_as_them_and_links_the_account(client, sso):
    person = PersonFactory(name="Rowan Hale", email="Rowan.Hale@dunmarrow.example")

    response = sign_in(client, sso, "rowan")

    assert response.status_code == 302
    assert response["Location"] == "/alliances/"
    person.refresh_from_db()
    assert signed_in_user(client) == person.user
    assert person.user.username == "rowan.hale@dunmarrow.example"
    assert not person.user.has_usable_password()
    identity = SignInIdentity.objects.get()
    issuer = sso.settings()["OIDC_OP_ISSUER"]
    assert (identity.person, identity.issuer, identity.subject) == (person, issuer, "subject-rowan")
    assert identity.linked == SignInIdentity.Linked.BY_VERIFIED_EMAIL
    assert identity.history.count() == 1
    # The link is sealed into the audit trail like every change, with the web as its source.
    link = AuditLink.objects.get(object_model="roles.signinidentity", object_id=str(identity.pk))
    assert (link.chain, link.source) == ("none", "web")
    call_command("verify_audit", stdout=StringIO(), stderr=StringIO())
    assert AccessLog.objects.filter(username=person.user.username).exists()  # logged as password logins are


def test_the_next_sign_in_uses_the_link_and_the_same_login(client, sso):
    person = PersonFactory(email="rowan.hale@dunmarrow.example", user=UserFactory(username="rowan"))
    assert sign_in(client, sso, "rowan").status_code == 302
    client.logout()
    person.email = "rowan@new-employer.example"  # the link holds when the email changes
    person.save()

    assert sign_in(client, sso, "rowan").status_code == 302

    assert signed_in_user(client) == person.user
    assert SignInIdentity.objects.count() == 1
    assert User.objects.filter(username__startswith="rowan").count() == 1


def test_an_account_linked_by_an_administrator_signs_in_as_that_person(client, sso):
    # Ada's provider account has a personal email nobody in the tracker has: only the link finds her.
    person = PersonFactory(name="Ada Byrne", email="ada.byrne@dunmarrow.example", user=UserFactory(username="ada"))
    call_command("link_sso_identity", "--email", "ada.byrne@dunmarrow.example", "--subject", "subject-ada")

    response = sign_in(client, sso, "ada")

    assert response.status_code == 302
    assert signed_in_user(client) == person.user
    assert SignInIdentity.objects.get().linked == SignInIdentity.Linked.BY_ADMINISTRATOR


def refused(response, words: str, status: int = 403):
    assert response.status_code == status
    text = html.unescape(response.content.decode())
    assert words in text
    assert "Back to the login page" in text
    return text


def test_an_unverified_email_is_refused_and_nothing_is_created(client, sso, caplog):
    PersonFactory(email="una.marsh@dunmarrow.example")
    before = counts()

    with caplog.at_level("WARNING", logger="alliance.security"):
        response = sign_in(client, sso, "una")

    text = refused(response, "has not verified your email address una.marsh@dunmarrow.example")
    assert "Ask an administrator" in text
    assert signed_in_user(client) is None
    assert counts() == before
    # The log names the account, so an administrator can link it.
    assert any("(sso_email_unverified) for sso:subject-una" in r.getMessage() for r in caplog.records)
    assert AccessAttempt.objects.get(username="sso:subject-una").failures_since_start == 1


def test_an_email_no_person_has_is_refused_and_nothing_is_created(client, sso, caplog):
    PersonFactory(email="someone.else@dunmarrow.example")
    before = counts()

    with caplog.at_level("WARNING", logger="alliance.security"):
        response = sign_in(client, sso, "nobody")

    refused(response, "no person in the tracker has that email address")
    assert signed_in_user(client) is None
    assert counts() == before
    assert any("sso_no_person" in r.getMessage() for r in caplog.records)


def test_an_email_two_people_have_is_refused_and_nothing_is_created(client, sso):
    PersonFactory(email="shared.inbox@dunmarrow.example")
    PersonFactory(email="Shared.Inbox@dunmarrow.example")
    before = counts()

    response = sign_in(client, sso, "twin")

    refused(response, "more than one person in the tracker has that email address")
    assert signed_in_user(client) is None
    assert counts() == before


def test_a_switched_off_login_is_refused(client, sso):
    PersonFactory(email="rowan.hale@dunmarrow.example", user=UserFactory(username="rowan", is_active=False))
    before = counts()

    response = sign_in(client, sso, "rowan")

    refused(response, "Your login 'rowan' is switched off")
    assert signed_in_user(client) is None
    assert counts() == before
    assert AccessAttempt.objects.get(username="rowan").failures_since_start == 1


def test_a_login_locked_out_by_failed_passwords_is_refused_through_single_sign_on_too(client, sso):
    PersonFactory(email="rowan.hale@dunmarrow.example", user=UserFactory(username="rowan"))
    for _ in range(5):
        client.post("/accounts/login/", {"username": "rowan", "password": "wrong"})
    before = counts()

    response = sign_in(client, sso, "rowan")

    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert signed_in_user(client) is None
    assert counts() == before


def test_failed_single_sign_ons_lock_the_login_out_like_failed_passwords(client, sso, settings):
    settings.AXES_FAILURE_LIMIT = 2
    PersonFactory(email="rowan.hale@dunmarrow.example", user=UserFactory(username="rowan", is_active=False))
    refused(sign_in(client, sso, "rowan"), "switched off")
    assert sign_in(client, sso, "rowan").status_code == 429  # the failure that reaches the limit locks

    response = client.post("/accounts/login/", {"username": "rowan", "password": "pass-word-123"})

    assert response.status_code == 429


def test_an_altered_state_is_refused_and_the_code_is_not_used(client, sso):
    back = rowan_back_from_provider(client, sso)

    response = client.get(re.sub(r"state=[^&]+", "state=forged-state", back))

    refused(response, "does not belong to a sign-in started in this browser", status=400)
    assert signed_in_user(client) is None
    assert SignInIdentity.objects.count() == 0


def test_an_answer_replayed_after_use_is_refused(client, sso):
    back = rowan_back_from_provider(client, sso)
    assert client.get(back).status_code == 302
    client.logout()

    response = client.get(back)

    refused(response, "does not belong to a sign-in started in this browser", status=400)
    assert signed_in_user(client) is None


def test_an_answer_from_another_browser_is_refused(client, sso):
    back = rowan_back_from_provider(client, sso)

    response = Client().get(back)

    refused(response, "does not belong to a sign-in started in this browser", status=400)
    assert SignInIdentity.objects.count() == 0


def test_a_provider_error_is_told_and_nothing_is_created(client, sso):
    start = client.get("/accounts/sso/start/")
    state = re.search(r"state=([^&]+)", start["Location"]).group(1)

    response = client.get(f"/accounts/sso/callback/?error=access_denied&state={state}")

    refused(response, "did not sign you in (access_denied)")
    assert SignInIdentity.objects.count() == 0


def test_a_provider_that_cannot_be_reached_is_told(client, sso, settings):
    back = rowan_back_from_provider(client, sso)
    settings.OIDC_OP_TOKEN_ENDPOINT = sso.url + "/no-such-endpoint/"

    response = client.get(back)

    refused(response, "could not be checked", status=400)
    assert signed_in_user(client) is None


def test_an_id_token_for_another_issuer_is_refused(client, sso, settings):
    back = rowan_back_from_provider(client, sso)
    settings.OIDC_OP_ISSUER = "https://login.elsewhere.example"

    response = client.get(back)

    refused(response, "could not be checked", status=400)
    assert SignInIdentity.objects.count() == 0


def test_the_login_page_offers_single_sign_on_when_configured(client, sso):
    page = client.get("/accounts/login/?next=/alliances/").content.decode()

    assert "Sign in with Dunmarrow Council account" in page
    assert 'href="/accounts/sso/start/?next=/alliances/"' in page


def test_without_configuration_there_is_no_single_sign_on(client):
    assert "Sign in with" not in client.get("/accounts/login/").content.decode()
    for path in ("/accounts/sso/start/", "/accounts/sso/callback/?code=x&state=y"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Single sign-on is not set up here" in response.content.decode()
        assert "Sign in with your username and password instead" in response.content.decode()


def test_password_logins_still_work_beside_single_sign_on(client, sso):
    UserFactory(username="sam")

    response = client.post("/accounts/login/", {"username": "sam", "password": "pass-word-123"})

    assert response.status_code == 302
    assert signed_in_user(client).username == "sam"


# Linking by an administrator -----------------------------------------------------------------

ISSUER = "https://login.dunmarrow.example"


def test_the_command_links_and_unlinks(settings):
    settings.OIDC_OP_ISSUER = ISSUER
    person = PersonFactory(email="ada.byrne@dunmarrow.example")

    call_command("link_sso_identity", "--person", str(person.pk), "--subject", "ada-42")
    identity = SignInIdentity.objects.get()
    assert (identity.person, identity.issuer, identity.subject) == (person, ISSUER, "ada-42")

    call_command("link_sso_identity", "--person", str(person.pk), "--subject", "ada-42", "--unlink")
    assert SignInIdentity.objects.count() == 0
    assert SignInIdentity.history.count() == 2  # the link and its removal stay in the history


def test_the_command_refuses_an_account_linked_to_someone_else(settings):
    settings.OIDC_OP_ISSUER = ISSUER
    first, second = PersonFactory(name="Ada Byrne"), PersonFactory()
    call_command("link_sso_identity", "--person", str(first.pk), "--subject", "ada-42")

    with pytest.raises(CommandError, match="already linked to Ada Byrne"):
        call_command("link_sso_identity", "--person", str(second.pk), "--subject", "ada-42")

    assert SignInIdentity.objects.count() == 1


def test_the_command_refuses_an_email_two_people_have(settings):
    settings.OIDC_OP_ISSUER = ISSUER
    PersonFactory(email="shared@dunmarrow.example")
    PersonFactory(email="shared@dunmarrow.example")

    with pytest.raises(CommandError, match="More than one person has the email address"):
        call_command("link_sso_identity", "--email", "shared@dunmarrow.example", "--subject", "x")

    assert SignInIdentity.objects.count() == 0


def test_an_administrator_links_an_account_in_the_admin(client, settings):
    settings.OIDC_OP_ISSUER = ISSUER
    person = PersonFactory()
    client.force_login(StaffFactory(is_superuser=True))

    response = client.post(
        "/admin/roles/signinidentity/add/",
        {"person": person.pk, "issuer": ISSUER, "subject": " ada-42 ", "email": ""},
    )

    assert response.status_code == 302
    identity = SignInIdentity.objects.get()
    assert (identity.person, identity.subject, identity.linked) == (person, "ada-42", "administrator")


def test_the_admin_refuses_a_second_person_for_one_account(client, settings):
    settings.OIDC_OP_ISSUER = ISSUER
    first, second = PersonFactory(name="Ada Byrne"), PersonFactory()
    call_command("link_sso_identity", "--person", str(first.pk), "--subject", "ada-42")
    client.force_login(StaffFactory(is_superuser=True))

    response = client.post(
        "/admin/roles/signinidentity/add/", {"person": second.pk, "issuer": ISSUER, "subject": "ada-42", "email": ""}
    )

    assert response.status_code == 200
    assert "already linked to Ada Byrne" in response.content.decode()
    assert SignInIdentity.objects.count() == 1


# Configuration ---------------------------------------------------------------------------------

PROVIDER_ENV = {
    "OIDC_RP_CLIENT_ID": "tracker",
    "OIDC_RP_CLIENT_SECRET": "secret",
    "OIDC_OP_ISSUER": ISSUER,
    "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{ISSUER}/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": f"{ISSUER}/token",
    "OIDC_OP_USER_ENDPOINT": f"{ISSUER}/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": f"{ISSUER}/jwks",
}


def test_single_sign_on_is_off_unless_a_client_id_is_set(monkeypatch):
    from tests.test_production import load_settings

    for name in PROVIDER_ENV:
        monkeypatch.delenv(name, raising=False)
    found = load_settings(monkeypatch, DEBUG="true")
    assert found["SSO_ENABLED"] is False
    assert "roles.sso.PersonOIDCBackend" not in found["AUTHENTICATION_BACKENDS"]


def test_single_sign_on_is_on_with_its_settings_and_keeps_the_password_backends(monkeypatch):
    from tests.test_production import load_settings

    found = load_settings(monkeypatch, DEBUG="true", SSO_PROVIDER_NAME="Dunmarrow Council account", **PROVIDER_ENV)

    assert found["SSO_ENABLED"] is True
    assert found["AUTHENTICATION_BACKENDS"] == [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        "roles.sso.PersonOIDCBackend",
    ]
    assert (found["OIDC_RP_SIGN_ALGO"], found["OIDC_USE_PKCE"]) == ("RS256", True)


def test_single_sign_on_half_configured_is_refused_naming_what_is_missing(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from tests.test_production import load_settings

    monkeypatch.delenv("OIDC_OP_JWKS_ENDPOINT", raising=False)
    env = {k: v for k, v in PROVIDER_ENV.items() if k != "OIDC_OP_JWKS_ENDPOINT"}
    with pytest.raises(ImproperlyConfigured, match="OIDC_OP_JWKS_ENDPOINT is not set"):
        load_settings(monkeypatch, DEBUG="true", **env)


def test_the_person_admin_page_lists_their_single_sign_on_accounts(client, settings):
    settings.OIDC_OP_ISSUER = ISSUER
    person = PersonFactory()
    call_command("link_sso_identity", "--person", str(person.pk), "--subject", "ada-42")
    client.force_login(StaffFactory(is_superuser=True))

    page = client.get(f"/admin/roles/person/{person.pk}/change/")

    assert page.status_code == 200
    assert "ada-42" in page.content.decode()
