"""The smoke scene, built once for the package (the demo takes ~20 s) in a transaction rolled back at its end."""

import pytest
from django.db import transaction

from tests.smoke.scene import build


@pytest.fixture(scope="package")
def smoke(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)
