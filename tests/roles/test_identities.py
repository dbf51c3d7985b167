"""Who a sign-in is (roles/identities.py), from the claims a provider vouched for.

The whole flow through a real provider is tests/roles/test_sso.py."""

import pytest

from alliance.errors import RuleViolation
from roles.identities import complete_sign_in, identify, link_identity
from roles.models import SignInIdentity
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
ISSUER = "https://login.dunmarrow.example"


def who(**claims):
    return identify(issuer=ISSUER, claims={"sub": "abc", **claims}, provider="Dunmarrow Council account")


@pytest.mark.parametrize("verified", [True, "true", "True"])
def test_a_verified_email_finds_its_one_person(verified):
    person = PersonFactory(email="rowan.hale@dunmarrow.example")
    assert who(email="ROWAN.HALE@dunmarrow.example", email_verified=verified).person == person


@pytest.mark.parametrize("verified", [False, "false", None, "", 1, "yes"])
def test_an_email_not_said_to_be_verified_is_refused(verified):
    PersonFactory(email="rowan.hale@dunmarrow.example")
    claims = {"email": "rowan.hale@dunmarrow.example"}
    if verified is not None:
        claims["email_verified"] = verified
    with pytest.raises(RuleViolation) as refusal:
        who(**claims)
    assert refusal.value.code == "sso_email_unverified"


def test_an_account_without_a_subject_is_refused():
    with pytest.raises(RuleViolation) as refusal:
        identify(issuer=ISSUER, claims={"email": "a@b.example", "email_verified": True}, provider="X")
    assert refusal.value.code == "sso_no_subject"


def test_a_person_linked_to_another_account_of_the_provider_is_not_linked_again_by_email():
    person = PersonFactory(email="rowan.hale@dunmarrow.example")
    link_identity(person=person, issuer=ISSUER, subject="older")
    with pytest.raises(RuleViolation) as refusal:
        who(email="rowan.hale@dunmarrow.example", email_verified=True)
    assert refusal.value.code == "sso_person_linked"
    assert SignInIdentity.objects.count() == 1


def test_a_new_login_takes_a_free_username():
    from tests.factories import UserFactory

    UserFactory(username="rowan.hale@dunmarrow.example")  # someone else's
    person = PersonFactory(email="rowan.hale@dunmarrow.example")

    user = complete_sign_in(sign_in=who(email="rowan.hale@dunmarrow.example", email_verified=True))

    assert user.username == "rowan.hale@dunmarrow.example-2"
    person.refresh_from_db()
    assert person.user == user
