"""The registers of roles as files (CSV or Excel), as their pages list them on the page's date: the
directory (who held which role), the delegation register and the interests register."""

from __future__ import annotations

from alliance.downloads import RegisterDownloadView, RegisterFile
from decisions.models import Decision
from roles.views import RegisterRows

DIRECTORY_HEADER = ["Role", "Kind", "Represents", "Body", "Holder", "Holder's employer", "Held from", "Held to"]
DELEGATION_HEADER = [
    "Held by", "Granted by", "Granting decision", "Decisions covered", "Reserved to the granting body", "Scope",
    "Financial limit", "Valid from", "Valid to", "Revoked from", "Why revoked", "In force on the date",
]  # fmt: skip
INTEREST_HEADER = ["Person", "Represents", "Interest", "Concerns", "Declared on", "Ended on", "Current on the date"]


def _name(organisation) -> str:
    return organisation.display_name if organisation is not None else ""


def _yes(value: bool) -> str:
    return "yes" if value else "no"


class DirectoryDownloadView(RegisterRows, RegisterDownloadView):
    """The role directory on the page's date: a row per holder, and a row for a vacant role."""

    file = RegisterFile("roles", "Roles", DIRECTORY_HEADER, dated=True)

    def rows(self, filterset):
        for row in self.directory():
            role = row["role"]
            about = [role.title, role.get_kind_display(), _name(role.organisation), role.body.code if role.body else ""]
            if row["vacant"]:
                yield [*about, "Vacant", "", None, None]
            for held in row["holders"]:
                yield [*about, held.person.name, _name(held.person.employer), held.starts_on, held.ends_on]


class DelegationDownloadView(RegisterRows, RegisterDownloadView):
    file = RegisterFile("delegations", "Delegations", DELEGATION_HEADER, dated=True)

    def rows(self, filterset):
        delegations = self.delegations()
        # A granting decision is named only where the reader may read it: one query for them all.
        granting = [d.granting_decision.pk for d in delegations if d.granting_decision is not None]
        readable = set(Decision.objects.restrict(self.access).filter(pk__in=granting).values_list("pk", flat=True))
        for d in delegations:
            decision = d.granting_decision
            yield [
                d.grantee_name,
                d.body.name,
                decision.reference if decision is not None and decision.pk in readable else d.granted_reference,
                ", ".join(d.get_decision_kinds_display()),
                ", ".join(d.get_reserved_kinds_display()),
                d.scope,
                "No limit" if d.financial_limit is None else d.financial_limit,
                d.valid_from,
                d.valid_to,
                d.revoked_on,
                d.revocation_reason,
                _yes(d.in_force),
            ]


class InterestDownloadView(RegisterRows, RegisterDownloadView):
    file = RegisterFile("interests", "Interests", INTEREST_HEADER, dated=True)

    def rows(self, filterset):
        for i in self.interests():
            yield [
                i.person.name,
                _name(i.represents),
                i.interest,
                i.concerns_organisation.name if i.concerns_organisation else "",
                i.declared_on,
                i.ends_on,
                _yes(i.current),
            ]
