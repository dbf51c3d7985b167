"""Award processes as Open Contracting Data Standard 1.1 releases (OCDS 1.1).

One release per process, carrying what is known at its stage: the tender, the award once a
submission is recommended, the contract once signed. ``procurementMethod`` follows the route:
direct award -> "direct", mini-competition -> "limited" (only members may bid), external
procurement -> "open". Amounts are in GBP.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal

from django.conf import settings
from django.db.models import Max, QuerySet
from django.utils import timezone

from contracts.models import AwardProcess, Contract, Route

VERSION = "1.1"
METHODS = {
    Route.DIRECT_AWARD: "direct",
    Route.MINI_COMPETITION: "limited",
    Route.EXTERNAL_PROCUREMENT: "open",
}
Stage = AwardProcess.Stage
TENDER_STATUS = {
    Stage.DRAFT: "planning",
    Stage.SUBMISSIONS: "active",
    Stage.EVALUATION: "active",
    Stage.RECOMMENDED: "active",
    Stage.APPROVED: "complete",
    Stage.REJECTED: "unsuccessful",
    Stage.CONTRACTED: "complete",
    Stage.CANCELLED: "cancelled",
}
AWARD_STATUS = {
    Stage.RECOMMENDED: "pending",
    Stage.APPROVED: "active",
    Stage.CONTRACTED: "active",
    Stage.REJECTED: "unsuccessful",
    Stage.CANCELLED: "cancelled",
}


def ocid(process: AwardProcess) -> str:
    return f"{settings.OCDS_OCID_PREFIX}{process.alliance.slug}-{process.reference}"


def _date(value) -> str:
    moment = value if isinstance(value, datetime) else timezone.make_aware(datetime.combine(value, time.min))
    return moment.isoformat()


def _amount(value: Decimal) -> dict:
    return {"amount": float(value.quantize(Decimal("0.01"))), "currency": "GBP"}


def _party_id(organisation) -> str:
    return f"org-{organisation.pk}"


def _ref(organisation) -> dict:
    return {"id": _party_id(organisation), "name": organisation.name}


def _parties(process: AwardProcess, submissions, supplier) -> list[dict]:
    roles: dict[int, tuple] = {}

    def add(org, role):
        if org is not None:
            org_roles = roles.setdefault(org.pk, (org, []))[1]
            if role not in org_roles:
                org_roles.append(role)

    add(process.alliance.commissioner, "buyer")
    add(process.alliance.commissioner, "procuringEntity")
    for s in submissions:
        add(s.bidder, "tenderer")
    add(supplier, "supplier")
    parties = []
    for org, org_roles in roles.values():
        party = {**_ref(org), "roles": org_roles}
        if org.registration_number:
            party["identifier"] = {"scheme": "GB-SC", "id": org.registration_number, "legalName": org.name}
        parties.append(party)
    return parties


def _tender(process: AwardProcess, submissions) -> dict:
    justification = "; ".join(f"{k}: {v}" for k, v in process.route_justification.items())
    tender = {
        "id": process.reference,
        "title": process.title,
        "status": TENDER_STATUS[process.stage],
        "value": _amount(process.estimated_total_value),
        "procurementMethod": METHODS[process.route],
        "procurementMethodDetails": process.get_route_display(),
        "mainProcurementCategory": "services",
        "tenderPeriod": {"startDate": _date(process.started_on)},
        "numberOfTenderers": len(submissions),
        "tenderers": [_ref(s.bidder) for s in submissions],
    }
    if process.description:
        tender["description"] = process.description
    if justification:
        tender["procurementMethodRationale"] = justification
    if process.external_notice_reference:
        tender["documents"] = [
            {"id": "notice", "documentType": "tenderNotice", "title": process.external_notice_reference}
        ]
    return tender


def _award(process: AwardProcess, decided_at) -> dict | None:
    submission = process.recommended_submission
    if submission is None or process.stage not in AWARD_STATUS:
        return None
    award = {
        "id": f"{process.reference}-award",
        "title": process.title,
        "status": AWARD_STATUS[process.stage],
        "value": _amount(submission.price),
        "suppliers": [_ref(submission.bidder)],
    }
    if decided_at:
        award["date"] = _date(decided_at)
    decision = process.approval_decision
    if decision is not None and decision.reference:
        award["description"] = f"Approval: {decision.reference} ({decision.get_status_display().lower()})."
    return award


def _months(contract: Contract) -> int:
    days = (contract.ends_on - contract.starts_on).days + 1
    return max(1, round(days / Decimal("30.4375")))


def contract_total(contract: Contract) -> Decimal:
    """The contract's value over its current term: the annual value for each twelve months."""
    return (contract.annual_value * _months(contract) / 12).quantize(Decimal("0.01"))


def _contract(process: AwardProcess, contract: Contract) -> dict:
    period = {"startDate": _date(contract.starts_on), "endDate": _date(contract.ends_on)}
    if contract.extension_until:
        period["maxExtentDate"] = _date(contract.extension_until)
    status = {Contract.Status.ACTIVE: "active", Contract.Status.ENDED: "terminated"}
    return {
        "id": f"{process.reference}-contract",
        "awardID": f"{process.reference}-award",
        "title": contract.title,
        "status": status.get(contract.status, "terminated"),
        "period": period,
        # OCDS values are totals: the award's is the price awarded, the contract's its annual value over its term.
        "value": _amount(contract_total(contract)),
        "description": (
            f"£{contract.annual_value:,.2f} a year over {_months(contract)} months; "
            + ("in scope of the alliance." if contract.in_scope else "retained by the commissioner.")
        ),
    }


def release(process: AwardProcess, *, updated=None) -> dict:
    """One OCDS release of the process as it stands: tender, award and contract where they exist.

    ``process`` should come from :func:`processes_for_ocds` so its relations are loaded.
    """
    submissions = list(process.submissions.all())
    supplier = process.recommended_submission.bidder if process.recommended_submission_id else None
    tags = ["tender"]
    decision = process.approval_decision
    award = _award(process, decision.closed_at if decision is not None else None)
    data = {
        "ocid": ocid(process),
        "id": f"{process.reference}-{process.stage.lower()}",
        "date": _date(updated or getattr(process, "last_moved", None) or process.started_on),
        "tag": tags,
        "initiationType": "tender",
        "language": "en",
        "parties": _parties(process, submissions, supplier),
        "tender": _tender(process, submissions),
    }
    commissioner = process.alliance.commissioner
    if commissioner is not None:
        data["buyer"] = _ref(commissioner)
    if award:
        tags.append("award")
        data["awards"] = [award]
    if process.resulting_contract_id:
        tags.append("contract")
        data["contracts"] = [_contract(process, process.resulting_contract)]
    if process.stage == Stage.CANCELLED:
        data["tag"] = ["tenderCancellation"]
    return data


def processes_for_ocds(qs: QuerySet[AwardProcess]) -> QuerySet[AwardProcess]:
    """The processes with everything a release needs, in a fixed number of queries."""
    return (
        qs.select_related(
            "alliance__commissioner",
            "recommended_submission__bidder",
            "approval_decision",
            "resulting_contract",
        )
        .prefetch_related("submissions__bidder")
        .annotate(last_moved=Max("transitions__at"))
        .order_by("started_on", "pk")
    )


def package(processes, *, uri: str, publisher: str) -> dict:
    """An OCDS release package of the given processes (from :func:`processes_for_ocds`)."""
    releases = [release(p) for p in processes]
    return {
        "uri": uri,
        "version": VERSION,
        "publishedDate": timezone.now().isoformat(),
        "publisher": {"name": publisher},
        "releases": releases,
    }
