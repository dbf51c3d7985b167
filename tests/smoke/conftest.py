"""The smoke scene, built once for the package (the demo takes ~20 s) in a transaction rolled back at its end."""

from pathlib import Path

import pytest
from django.db import transaction

from tests.smoke.scene import build


@pytest.fixture(scope="package")
def smoke(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


@pytest.hookimpl(trylast=True)  # after pytest-randomly's shuffle and pytest-django's ordering
def pytest_collection_modifyitems(items):
    """Keep the package's tests together, so each process builds the scene once.

    pytest-randomly shuffles modules across packages; between two of this package's modules another
    module's test would tear the package's scene down, and the next would build it again (20 s).
    With pytest-xdist the tests still spread over the workers, in order: one build per worker.
    """
    here = Path(__file__).parent
    ours = [item for item in items if here in Path(item.fspath).parents]
    if ours:
        first = items.index(ours[0])
        others = [item for item in items if here not in Path(item.fspath).parents]
        items[:] = others[:first] + ours + others[first:]
