"""Helpers the tests share."""

from contextlib import contextmanager


def rows(*models) -> dict:
    """Counts of rows and of history rows, to assert that a refusal wrote nothing."""
    counts = {}
    for model in models:
        counts[model.__name__] = model.objects.count()
        if hasattr(model, "history"):
            counts[f"{model.__name__}.history"] = model.history.count()
    return counts


def refused(code, call, *models):
    """Run a call that must be refused with ``code`` and leave every row of ``models`` as it was."""
    import pytest

    from alliance.errors import RuleViolation

    before = rows(*models)
    with pytest.raises(RuleViolation) as info:
        call()
    assert info.value.code == code
    assert rows(*models) == before
    return info.value


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
def registry_store(store: str):
    """Let a test register in a store of the registry; what was registered before is put back after."""
    from alliance.registry import registry

    entries = registry[store]
    saved = entries.copy()
    try:
        yield entries
    finally:
        entries[:] = saved
