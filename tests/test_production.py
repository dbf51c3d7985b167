"""Production mode works and is safe by default.

- the settings: DEBUG off unless set, no start with the demo key (or none) when it is off, the
  proxy's HTTPS header trusted only when configured, SQLite set up for several users;
- a Content-Security-Policy on every page, and no template with inline code it would refuse;
- the product's own error pages (400, 403, CSRF, 404, 500), with DEBUG off as pytest-django runs;
- a real production server (gunicorn, DEBUG off, collectstatic's manifest storage) answering the
  main pages with the policy and its static files (`production_server`, tests/conftest.py).
"""

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, SuspiciousOperation
from django.test import Client, RequestFactory
from django.urls import include, path
from django.views import defaults

from tests.demo_server import fetch
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"


# Settings: read afresh with a given environment ------------------------------------------------


def load_settings(monkeypatch, **env) -> dict:
    """The settings module's values when read with ``env`` (and nothing else that matters)."""
    for name in ("DEBUG", "SECRET_KEY", "SECURE_PROXY_SSL_HEADER", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "alliance" / "settings.py"))


def test_debug_is_off_unless_set(monkeypatch):
    assert load_settings(monkeypatch, SECRET_KEY="k" * 50)["DEBUG"] is False
    assert load_settings(monkeypatch, DEBUG="true")["DEBUG"] is True


@pytest.mark.parametrize("value", ["ture", "enabled", "2"])
def test_a_true_false_setting_that_is_neither_is_refused_naming_it(monkeypatch, value):
    with pytest.raises(ImproperlyConfigured, match=f"DEBUG='{value}' is neither true nor false"):
        load_settings(monkeypatch, DEBUG=value, SECRET_KEY="k" * 50)


@pytest.mark.parametrize(("value", "read"), [("TRUE", True), (" yes ", True), ("1", True), ("off", False), ("", False)])
def test_a_true_false_setting_reads_the_usual_words(monkeypatch, value, read):
    assert load_settings(monkeypatch, DEBUG=value, SECRET_KEY="k" * 50)["DEBUG"] is read


@pytest.mark.parametrize(
    "env",
    [{}, {"DEBUG": "false"}, {"DEBUG": "false", "SECRET_KEY": "demo-only-insecure-key-set-SECRET_KEY-in-production"}],
    ids=["nothing-set", "no-key", "the-demo-key"],
)
def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, env):
    # The settings keep no key (never the demo's)...
    assert load_settings(monkeypatch, **env)["SECRET_KEY"] == ""
    # ...and the server's entry point (gunicorn and runserver load it) refuses to start, saying why.
    result = run_in_a_clean_environment(env, "-c", "import alliance.wsgi")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "set SECRET_KEY in the environment" in result.stderr
    result = run_in_a_clean_environment(env, "-c", "import alliance.asgi")
    assert result.returncode != 0 and "set SECRET_KEY in the environment" in result.stderr


def run_in_a_clean_environment(env: dict, *args: str) -> subprocess.CompletedProcess:
    """Python in this checkout with only ``env`` set (and PATH), as on a fresh machine."""
    clean = {"PATH": os.environ.get("PATH", ""), **env}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.mark.parametrize(
    "command", [["makemigrations", "--check", "--dry-run"], ["check"]], ids=["makemigrations", "check"]
)
def test_commands_that_need_no_key_run_with_nothing_set(command):
    result = run_in_a_clean_environment({}, "manage.py", *command)
    assert result.returncode == 0, result.stderr
    assert "ImproperlyConfigured" not in result.stderr and "AppRegistryNotReady" not in result.stderr


def test_the_demo_key_serves_debug_runs(monkeypatch):
    values = load_settings(monkeypatch, DEBUG="true")
    assert values["SECRET_KEY"] == values["DEMO_SECRET_KEY"]
    assert load_settings(monkeypatch, SECRET_KEY="a-real-one-" * 5)["SECRET_KEY"] == "a-real-one-" * 5


def test_the_proxy_https_header_is_trusted_only_when_configured(monkeypatch):
    assert "SECURE_PROXY_SSL_HEADER" not in load_settings(monkeypatch, SECRET_KEY="k" * 50)
    values = load_settings(monkeypatch, SECRET_KEY="k" * 50, SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")


def test_sqlite_is_set_up_for_several_users_and_postgresql_untouched(monkeypatch):
    options = load_settings(monkeypatch, DEBUG="true")["DATABASES"]["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 10
    assert "journal_mode=WAL" in options["init_command"]
    postgres = load_settings(monkeypatch, DEBUG="true", DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    # None of SQLite's options; only PostgreSQL's prepared statements (tests/test_replica.py)
    assert postgres["DATABASES"]["default"].get("OPTIONS", {}) == {"server_side_binding": True, "prepare_threshold": 1}
    assert postgres["DATABASES"]["default"]["ATOMIC_REQUESTS"] is True


# The Content-Security-Policy -------------------------------------------------------------------


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/public/", "/public/dunmarrow/", "/api/docs/", "/nowhere/"])
def test_every_page_carries_the_policy(client, url):
    from tests.factories import AllianceFactory

    AllianceFactory(slug="dunmarrow", publish_register=True)
    response = client.get(url)
    assert response.status_code < 500
    directives = policy(response)
    assert directives["script-src"][0] == "'self'" and "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["style-src"] and "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_a_members_page_and_the_api_carry_the_policy(client):
    user = UserFactory(username="plain")
    client.force_login(user)
    for url in ("/", "/inbox/", "/api/v1/alliances/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "'self'" in policy(response)["script-src"], url


@pytest.mark.django_db
def test_the_api_docs_load_their_start_up_script_from_the_site(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script on the API docs page"
    assert "<style" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle" in script.content


@pytest.mark.django_db
def test_the_browsable_api_allows_only_its_own_styles(client):
    client.force_login(UserFactory(username="plain"))
    response = client.get("/api/v1/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    directives = policy(response)
    assert directives["style-src-attr"] == ["'unsafe-inline'"]
    assert "'unsafe-inline'" not in directives["style-src"] and directives["script-src"][0] == "'self'"


INLINE_CODE = [
    # A <script> without src runs inline code; one with a nonce attribute is allowed by the policy.
    (r"<script(?![^>]*\b(src|nonce)=)[^>]*>", "an inline <script> without a nonce"),
    (r"<style(?![^>]*\bnonce=)[^>]*>", "an inline <style> without a nonce"),
    (r"\sstyle\s*=", "a style attribute"),
    (r"\son[a-z]+\s*=", "an inline event handler (onclick=...)"),
    (r"javascript:", "a javascript: URL"),
    (r"\bhx-on", "an htmx hx-on handler (inline code)"),
]


def test_no_template_has_inline_code_the_policy_refuses():
    found = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", "", template.read_text(), flags=re.S)
        for pattern, what in INLINE_CODE:
            for match in re.finditer(pattern, text):
                line = text[: match.start()].count("\n") + 1
                found.append(f"{template.relative_to(ROOT)}:{line}: {what}")
    assert not found, "\n".join(found)


def test_the_inline_code_check_finds_what_it_looks_for():
    samples = {
        "<script>alert(1)</script>": 0,
        "<script defer>x()</script>": 0,
        "<style>p{}</style>": 1,
        '<p style="color: red">': 2,
        '<a onclick="go()">': 3,
        '<a href="javascript:go()">': 4,
        '<button hx-on:click="go()">': 5,
    }
    for sample, index in samples.items():
        assert re.search(INLINE_CODE[index][0], sample), sample
    for allowed in ('<script src="/static/x.js" defer></script>', '<script nonce="{{ request.csp_nonce }}">'):
        assert not re.search(INLINE_CODE[0][0], allowed), allowed


# The product's own error pages, with DEBUG off -------------------------------------------------


def boom(request):
    raise RuntimeError("a bug")


def forbidden(request):
    raise PermissionDenied("Only the ALT secretary may do this.")


def malformed(request):
    raise SuspiciousOperation("a malformed request")


urlpatterns = [
    path("boom/", boom),
    path("forbidden/", forbidden),
    path("malformed/", malformed),
    path("", include("alliance.urls")),
]


def assert_product_page(response, template, heading):
    assert template in [t.name for t in response.templates]
    html = response.content.decode()
    assert heading in html
    assert 'class="site-header"' in html and "Alliance governance" in html  # the site's own frame
    assert "Traceback" not in html and "Django" not in html


@pytest.mark.django_db
def test_an_unknown_address_answers_the_products_404(client, settings):
    assert settings.DEBUG is False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_product_page(response, "404.html", "Not found")
    assert "Content-Security-Policy" in response.headers


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_failing_view_answers_the_products_500(client, settings):
    assert settings.DEBUG is False
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert_product_page(response, "500.html", "Something went wrong on our side")
    assert "a bug" not in response.content.decode()


def test_the_500_page_needs_no_request_context_nor_the_database(rf: RequestFactory):
    # No django_db mark: any query here fails the test. server_error renders with no context.
    response = defaults.server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
    assert b"Log in" in response.content  # base.html's menu for nobody in particular


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_refusal_answers_the_products_403_with_its_reason(client):
    response = client.get("/forbidden/")
    assert response.status_code == 403
    assert_product_page(response, "403.html", "Only the ALT secretary may do this.")


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_malformed_request_answers_the_products_400(client):
    response = client.get("/malformed/")
    assert response.status_code == 400
    assert_product_page(response, "400.html", "This request could not be understood")


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_answers_the_products_page():
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert_product_page(response, "403_csrf.html", "This form could not be sent")


# A real production server ----------------------------------------------------------------------

HTML_PAGES = ["/", "/accounts/login/", "/public/", "/public/dunmarrow/", "/api/docs/"]


@pytest.mark.slow
def test_the_production_server_answers_its_pages_with_the_policy(production_server):
    base = production_server.url
    for url in HTML_PAGES:
        answer = fetch(base + url)
        assert answer.status == 200, (url, answer.status, production_server.log.read_text()[-2000:])
        assert "script-src 'self'" in answer.headers["Content-Security-Policy"], url
        assert answer.headers["Content-Type"].startswith("text/html"), url
    missing = fetch(base + "/no-such-page/")
    assert missing.status == 404 and b"Not found" in missing.body
    assert "Content-Security-Policy" in missing.headers
    assert fetch(base + "/api/v1/").status == 401  # the API asks a script to log in
    browsable = fetch(base + "/api/v1/", headers={"Accept": "text/html"})
    assert browsable.status == 401 and "Content-Security-Policy" in browsable.headers


@pytest.mark.slow
def test_the_production_server_serves_the_collected_static_files(production_server):
    base = production_server.url
    login = fetch(base + "/accounts/login/").body.decode()
    # collectstatic's manifest names every file by its content, so it can be cached for ever.
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', login)
    assert any(re.search(r"/static/css/site\.[0-9a-f]{12}\.css$", a) for a in assets), assets
    assert any("htmx.min." in a for a in assets), assets
    for asset in assets:
        answer = fetch(base + asset)
        assert answer.status == 200, asset
        assert "max-age=315360000" in answer.headers.get("Cache-Control", ""), asset
    docs = fetch(base + "/api/docs/").body.decode()
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', docs):
        assert fetch(base + asset).status == 200, asset
    # The dashboard's scripts (a logged-in page): collected under hashed names, and served.
    manifest = fetch(base + "/static/staticfiles.json").json()["paths"]
    for name in ("vendor/chart.js-4.6.1/chart.umd.min.js", "js/dashboard.js"):
        assert re.search(r"\.[0-9a-f]{12}\.js$", manifest[name]), name
        assert fetch(f"{base}/static/{manifest[name]}").status == 200, name
