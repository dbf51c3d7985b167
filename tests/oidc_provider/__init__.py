"""A real OpenID Connect provider for the single sign-on tests (django-oidc-provider), run as a server of its own.

Its own settings, URLs and SQLite file: the product under test talks to it over HTTP as it would to
an organisation's identity provider (tests/roles/test_sso.py, fixture `oidc_provider` in tests/conftest.py).
"""
