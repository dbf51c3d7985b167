"""Single sign-on identities: linking a provider's account to a person, and who a sign-in is.

An account at an identity provider is named by the provider's issuer and the account's subject
(the `sub` claim), which never change. A link is made by an administrator, or at the first
sign-in when the provider says the account's email address is verified and exactly one person has
it. Everything else is refused with a sentence saying what happened and what to do, and nothing is
written (docs/sso.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from alliance.errors import RuleViolation
from roles.models import Person, SignInIdentity
from roles.services import save_person

ASK = "Nothing was created. Ask an administrator of the tracker"


@dataclass(frozen=True)
class SignIn:
    """Who a provider's account signs in as: the person, and the link to make when it is new."""

    person: Person
    issuer: str
    subject: str
    email: str
    identity: SignInIdentity | None

    @property
    def user(self):
        return self.person.user


def _refused(code: str, message: str) -> RuleViolation:
    return RuleViolation(code, message)


def check_link(*, person: Person, issuer: str, subject: str, exclude_pk: int | None = None) -> None:
    """An account links to one person, and a person to one account per provider."""
    if not issuer.strip() or not subject.strip():
        raise _refused("sso_link_incomplete", "Give both the provider's issuer address and the account's subject.")
    others = SignInIdentity.objects.exclude(pk=exclude_pk).select_related("person")
    taken = others.filter(issuer=issuer, subject=subject).first()
    if taken is not None:
        raise _refused(
            "sso_identity_taken",
            f"The account {subject} at {issuer} is already linked to {taken.person}; unlink it there first.",
        )
    if others.filter(person=person, issuer=issuer).exists():
        raise _refused(
            "sso_person_linked",
            f"{person} is already linked to another account at {issuer}; unlink that one first.",
        )


@transaction.atomic
def link_identity(
    *, person: Person, issuer: str, subject: str, email: str = "", linked: str = SignInIdentity.Linked.BY_ADMINISTRATOR
) -> SignInIdentity:
    """Link a provider's account to a person (one person per account, one account per provider per person)."""
    issuer, subject = issuer.strip(), subject.strip()
    check_link(person=person, issuer=issuer, subject=subject)
    return SignInIdentity.objects.create(
        person=person, issuer=issuer, subject=subject, email=email, linked=linked, linked_at=timezone.now()
    )


@transaction.atomic
def unlink_identity(*, identity: SignInIdentity, reason: str = "") -> None:
    """Remove a link: the account no longer signs in as that person (the history keeps who it was)."""
    identity._change_reason = reason or "Unlinked"
    identity.delete()


def identify(*, issuer: str, claims: dict, provider: str) -> SignIn:
    """The person a verified sign-in is: by its link, else by a verified email exactly one person has.

    Reads only; refusals raise RuleViolation in words for the person signing in (``provider`` names
    the provider as the login page does).
    """
    subject = str(claims.get("sub") or "")
    if not subject:
        raise _refused("sso_no_subject", f"{provider} did not say which account signed in. {ASK}.")
    identity = SignInIdentity.objects.select_related("person__user").filter(issuer=issuer, subject=subject).first()
    if identity is not None:
        return SignIn(identity.person, issuer, subject, identity.email, identity)
    email = str(claims.get("email") or "").strip()
    how_to_link = f"to link your {provider} account to your person record."
    if not email:
        raise _refused(
            "sso_no_email",
            f"You signed in at {provider}, but your account there is not linked to anyone in the tracker and "
            f"{provider} gave no email address to find you by. {ASK} {how_to_link}",
        )
    # Some providers send the JSON boolean as the string "true"; anything else (absent too) is not verified.
    if str(claims.get("email_verified")).lower() != "true":
        raise _refused(
            "sso_email_unverified",
            f"You signed in at {provider}, but {provider} has not verified your email address {email}, so the "
            f"tracker cannot rely on it to tell who you are. {ASK} {how_to_link}",
        )
    people = list(Person.objects.select_related("user").filter(email__iexact=email).order_by("pk")[:3])
    if not people:
        raise _refused(
            "sso_no_person",
            f"You signed in at {provider} as {email}, but no person in the tracker has that email address. "
            f"{ASK} to add it to your person record, or {how_to_link}",
        )
    if len(people) > 1:
        raise _refused(
            "sso_several_people",
            f"You signed in at {provider} as {email}, but more than one person in the tracker has that email "
            f"address, so it cannot tell which one you are. {ASK} {how_to_link}",
        )
    person = people[0]
    if SignInIdentity.objects.filter(person=person, issuer=issuer).exists():
        raise _refused(
            "sso_person_linked",
            f"You signed in at {provider} as {email}, but {person} is already linked to another {provider} "
            f"account. {ASK} to check which account is yours.",
        )
    return SignIn(person, issuer, subject, email, None)


def check_may_sign_in(sign_in: SignIn) -> None:
    """A switched-off login stays off, whichever way it signs in."""
    user = sign_in.user
    if user is not None and not user.is_active:
        raise _refused(
            "sso_inactive",
            f"Your login '{user.get_username()}' is switched off. Ask an administrator of the tracker to switch "
            "it back on.",
        )


def _free_username(email: str) -> str:
    User = get_user_model()
    base = email.lower()[:140]
    candidate, n = base, 1
    while User.objects.filter(username=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def complete_sign_in(*, sign_in: SignIn):
    """Make the link found by a verified email, and the person's login if they have none; return the login."""
    # Locked, so two first sign-ins at once make one link and one login.
    person = Person.objects.select_for_update().get(pk=sign_in.person.pk)
    linked = SignInIdentity.objects.filter(person=person, issuer=sign_in.issuer, subject=sign_in.subject)
    if sign_in.identity is None and not linked.exists():
        link_identity(
            person=person,
            issuer=sign_in.issuer,
            subject=sign_in.subject,
            email=sign_in.email,
            linked=SignInIdentity.Linked.BY_VERIFIED_EMAIL,
        )
    if person.user is not None:
        return person.user
    user = get_user_model()(username=_free_username(person.email or sign_in.subject), email=person.email)
    user.set_unusable_password()  # signs in through the provider; an administrator may set a password later
    user.save()
    save_person(person=person, user=user)
    return user
