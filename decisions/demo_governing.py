"""The demo alliance's governing documents register, built through the services.

The review's finding, as the register shows it: the agreement, its award schedule (Schedule part 10,
agreed and amended) and the bodies' terms of reference were agreed; the scheme of delegation and an
interim information-sharing protocol too; but the operating manual's financial and procurement
sections, which the agreement requires, stayed in drafting long past their target dates, so every
mini-competition and external procurement ran on a procedure never agreed (the award pages warn of it).

It runs after every app's story: it cites the decisions that adopted the award schedule, which the
contracts app's story takes.
"""

from __future__ import annotations

from datetime import date

from alliance.registry import DemoStage, register
from decisions import services
from decisions.governing_models import GoverningDocument
from decisions.models import Decision
from roles.models import Role
from roles.standing import SYSTEM

IN_OPERATION = GoverningDocument.Status.IN_OPERATION
AGREED = GoverningDocument.Status.AGREED


def _decision(alliance, title: str) -> Decision:
    return Decision.objects.get(alliance=alliance, title=title, status=Decision.Status.AGREED)


def _adopt(document: GoverningDocument, decision: Decision, status: str = IN_OPERATION) -> GoverningDocument:
    return services.change_governing_document_status(
        actor=SYSTEM, document=document, status=status, adopted_by=decision, reason=f"Adopted by {decision.reference}"
    )


@register("demo_parts", stage=DemoStage.WEEK)
def load(ctx: dict, stdout) -> None:
    alliance = ctx["alliance"]
    if GoverningDocument.objects.filter(alliance=alliance).exists():
        return
    bodies = ctx["bodies"]
    roles = {r.title: r for r in Role.objects.filter(alliance=alliance)}
    director, alt_secretary = roles["Alliance Director"], roles["Secretary of the Alliance Leadership Team"]

    def add(**fields) -> GoverningDocument:
        return services.add_governing_document(actor=SYSTEM, alliance=alliance, **fields)

    terms = _decision(alliance, "Agree the ALT terms of reference and meeting cycle")
    agreement = add(
        title="Alliance agreement",
        kind="agreement",
        version_label="v1.0",
        summary="Signed by every member on 1 July 2020; the ALT confirmed its governance with its terms of reference "
        "at its first meeting.",
        owner_role=alt_secretary,
        owner_body=bodies["ALT"],
        visibility="PUBLIC",
    )
    _adopt(agreement, terms)

    schedule = add(
        title="Schedule part 10: award routes",
        kind="schedule",
        version_label="v1",
        summary="Direct award to a member, mini-competition among members, procurement of an external provider: "
        "the limits and what each route's justification must cover.",
        owner_role=director,
        owner_body=bodies["ALT"],
        required_by_agreement=True,
        agreement_clause="Agreement, schedule part 10",
        award_routes=["DIRECT_AWARD", "MINI_COMPETITION", "EXTERNAL_PROCUREMENT"],
        target_date=date(2020, 10, 1),
        visibility="PUBLIC",
    )
    _adopt(schedule, _decision(alliance, "Adopt the award policy (Schedule part 10)"))
    schedule = services.new_governing_document_version(
        actor=SYSTEM,
        document=schedule,
        version_label="v2",
        summary="The direct-award limit rises to £500,000; a mini-competition needs two submissions.",
        target_date=date(2022, 4, 1),
        reason="Amended after the 2021 competitions drew few bids",
    )
    _adopt(schedule, _decision(alliance, "Amend the award policy: direct-award limit and minimum submissions"))

    for code, title in (("ALT", "Alliance Leadership Team"), ("OG", "Oversight Group")):
        tor = add(
            title=f"{title}: terms of reference",
            kind="terms_of_reference",
            version_label="v1.0",
            owner_role=alt_secretary,
            owner_body=bodies[code],
            required_by_agreement=True,
            agreement_clause="Agreement, clause 7 (governance)",
            target_date=date(2020, 7, 15),
        )
        _adopt(tor, terms)
    services.review_governing_document(
        actor=SYSTEM,
        document=tor,
        reviewed_on=date(2023, 6, 5),
        next_review_on=date(2024, 6, 5),
        note="Reviewed with the 2023 audit programme: no change.",
    )

    scheme = add(
        title="Scheme of delegation",
        kind="scheme_of_delegation",
        version_label="September 2021",
        owner_role=director,
        owner_body=bodies["ALT"],
        required_by_agreement=True,
        agreement_clause="Agreement, clause 8 (delegation)",
        target_date=date(2021, 9, 1),
    )
    _adopt(scheme, _decision(alliance, "Adopt the scheme of delegation of September 2021"))

    sharing = add(
        title="Interim information-sharing protocol",
        kind="data_sharing",
        version_label="v1 (interim)",
        summary="One consent form for sharing case information, as the draft manual's section 4 proposes.",
        owner_role=director,
        required_by_agreement=True,
        agreement_clause="Agreement, clause 11 (information)",
        target_date=date(2021, 11, 30),
    )
    _adopt(
        sharing,
        _decision(alliance, "Agree an interim information-sharing protocol while the operating manual is unfinished"),
        AGREED,
    )

    # The review's finding: the manual's financial and procurement sections were never agreed.
    add(
        title="Operating manual, section 5: financial procedures",
        kind="financial_procedure",
        version_label="v0.4 draft",
        summary="Payments, open-book reporting and the budget's monitoring between members.",
        owner_role=director,
        owner_body=bodies["ALT"],
        required_by_agreement=True,
        agreement_clause="Agreement, clause 9 (operating manual)",
        target_date=date(2022, 2, 28),
    )
    add(
        title="Operating manual, section 6: procurement procedure",
        kind="procurement_procedure",
        version_label="v0.3 draft",
        summary="How a mini-competition among members and a procurement of an external provider are run and scored.",
        owner_role=director,
        owner_body=bodies["ALT"],
        required_by_agreement=True,
        agreement_clause="Agreement, clause 9 (operating manual)",
        award_routes=["MINI_COMPETITION", "EXTERNAL_PROCUREMENT"],
        target_date=date(2022, 2, 28),
    )
    add(
        title="Communication protocol",
        kind="communication",
        version_label="v0.2 draft",
        summary="Who speaks for the alliance, and how members announce its decisions.",
        owner_role=director,
        target_date=date(2021, 6, 30),
    )
    stdout.write(
        f"Recorded {GoverningDocument.objects.filter(alliance=alliance).count()} governing documents and versions."
    )
