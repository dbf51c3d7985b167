"""Helpers the tests share: counting rows, refusals, who is acting and who is reading.

The scenes the tests build are in tests/scenes.py.
"""

from contextlib import contextmanager
from datetime import date

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def rows(*models) -> dict:
    """Counts of rows and of history rows, to assert that a refusal wrote nothing."""
    counts = {}
    for model in models:
        counts[model.__name__] = model.objects.count()
        if hasattr(model, "history"):
            counts[f"{model.__name__}.history"] = model.history.count()
    return counts


def refused(code, call, /, *models, **kwargs):
    """Run ``call(**kwargs)``, which must be refused with ``code`` and leave every row of ``models`` as it was."""
    import pytest

    from alliance.errors import RuleViolation

    before = rows(*models)
    with pytest.raises(RuleViolation) as info:
        call(**kwargs)
    assert info.value.code == code, info.value.message
    assert rows(*models) == before
    return info.value


def refused_watching(*watched):
    """``refused`` for a module whose refusals all watch the same rows: ``watched``, unless a call names others."""

    def bound(code, call, /, *models, **kwargs):
        return refused(code, call, *(models or watched), **kwargs)

    return bound


def viewer_of(alliance, *, user=None, username="reader", since=date(2000, 1, 1)):
    """A user with viewer standing on ``alliance``: reads its members-level records, writes nothing.

    A new user (named ``username``) unless ``user`` is given; it has no standing anywhere else.
    """
    from roles.models import AccessGrant
    from tests.factories import UserFactory

    viewer = user or UserFactory(username=username)
    AccessGrant.objects.create(user=viewer, alliance=alliance, standing="viewer", starts_on=since)
    return viewer


def token_client(user) -> APIClient:
    """An API client that authenticates as a script would: with the user's token."""
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def actor_for(who, on=None):
    """The standing a service takes as ``actor``, for a user or a person (given a login if it has none).

    ``SYSTEM`` (roles.standing) is the administrator's standing, for tests of the domain rules.
    """
    from roles.access import access_for
    from roles.models import Person

    if isinstance(who, Person):
        if who.user is None:
            from tests.factories import UserFactory

            who.user = UserFactory()
            who.save()
        who = who.user
    return access_for(who, on)


@contextmanager
def shared_data(django_db_blocker):
    """Build data once for a class or a module of tests that only read it, as `setUpTestData` does.

    In a fixture of class scope (or module scope) taking ``django_db_setup, django_db_blocker``::

        with shared_data(django_db_blocker):
            yield make_award_scene()

    What is built inside stays for the class, in a transaction rolled back after its last test; each
    test runs in a savepoint inside it (pytest-django's ``django_db``, on SQLite and PostgreSQL), so
    what a test writes goes at its end. The objects yielded are shared: a test must not change them
    (``refresh_from_db`` a copy of its own). Prefer class scope: pytest-randomly shuffles classes
    whole, and pytest-django moves a module's transactional and database-free tests after all the
    others, which a module fixture would not expect; every test of the class is a ``django_db`` test.
    A test of the class takes no fixture that builds the same rows again (the conftest's ``scene``
    or ``award``): the class overrides those names.
    """
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def built_once(build):
    """A fixture of class scope holding what ``build()`` returns, built once for the class in
    ``shared_data``: in a class of tests that only read, ``scene = built_once(make_scene)`` stands for
    the module's ``scene``."""
    import pytest

    @pytest.fixture(scope="class")
    @classmethod
    def fixture(cls, django_db_setup, django_db_blocker):
        with shared_data(django_db_blocker):
            yield build()

    return fixture


@contextmanager
def registry_store(store: str):
    """Let a test register in a store of the registry; what was registered before is put back after."""
    from alliance.registry import registry

    entries = registry[store]
    saved = entries.copy()
    try:
        yield entries
    finally:
        entries[:] = saved


def pdf_unavailable() -> str | None:
    """Why this machine cannot make PDFs (WeasyPrint without the system's Pango), or None."""
    from decisions.board_pack import pdf_unavailable as reason

    return reason()


def needs_pdf():
    """Skip a test that reads a made PDF where WeasyPrint's system libraries are missing (a fresh machine:
    README, Set up); tests/decisions/test_board_pack.py tests what such a server answers."""
    import pytest

    return pytest.mark.skipif(
        pdf_unavailable() is not None, reason=f"WeasyPrint cannot load here ({pdf_unavailable()})"
    )


def expected_without_pdf(path: str, code: int) -> int:
    """The code a route answers: a board pack is 409 (with what to do) on a server that cannot make PDFs."""
    return 409 if code == 200 and "board-pack" in path and pdf_unavailable() else code
