"""Releases on the smoke scene (issue 18 part 6): what the public register shows of Dunmarrow's CONFIDENTIAL
decisions, closed and released, closed and not released, and embargoed until a week from now."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.smoke.scene import RELEASED_TITLE
from tests.smoke.walk import TOKEN

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]

REGISTER = "/public/dunmarrow/"


def public(path):
    return Client(raise_request_exception=False).get(path)


def test_a_released_decision_is_public_but_its_recusal_reason_is_not(smoke):
    released = smoke.named["dun_released"]
    register = public(REGISTER + "?body=ALT").content.decode()
    assert RELEASED_TITLE in register and "Released on" in register
    page = public(f"{REGISTER}decisions/{released.pk}/")
    assert page.status_code == 200 and RELEASED_TITLE in page.content.decode()
    assert not set(TOKEN.findall(page.content.decode())) & smoke.forbidden("anonymous").keys()
    api = public(f"/api/v1/decisions/{released.pk}/").json()
    assert api["effective_visibility"] == "PUBLIC" and api["recusals"][0]["reason"] == ""


def test_a_confidential_decision_not_released_never_appears_publicly(smoke):
    unreleased = smoke.named["dun_unreleased"]
    assert public(f"{REGISTER}decisions/{unreleased.pk}/").status_code == 404
    assert public(f"/api/v1/decisions/{unreleased.pk}/").status_code == 404


def test_an_embargoed_decision_appears_only_from_its_moment(smoke, monkeypatch):
    embargoed, embargo = smoke.named["dun_embargoed"], smoke.named["dun_embargo"]
    token = TOKEN.findall(embargoed.title)[0]
    assert public(f"{REGISTER}decisions/{embargoed.pk}/").status_code == 404
    assert token not in public(REGISTER).content.decode()
    monkeypatch.setattr(timezone, "now", lambda: embargo.takes_effect_at + timedelta(minutes=1))
    page = public(f"{REGISTER}decisions/{embargoed.pk}/")
    assert page.status_code == 200 and token in page.content.decode()
    assert public(f"/api/v1/decisions/{embargoed.pk}/").status_code == 200
