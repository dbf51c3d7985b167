"""How one value of the audit trail reads (alliance/readable.py), field by field."""

from datetime import UTC, date, datetime
from decimal import Decimal

from alliance.models import GoverningBody, Membership
from alliance.readable import raw, value_text
from decisions.models import Decision
from roles.models import DelegatedAuthority


def field(model, name):
    return model._meta.get_field(name)


def test_money_has_a_pound_sign_and_separators_and_a_fraction_does_not():
    assert value_text(field(Decision, "value"), Decimal("240000.00")) == "£240,000.00"
    assert value_text(field(DelegatedAuthority, "financial_limit"), Decimal("1250.5")) == "£1,250.50"
    assert value_text(field(GoverningBody, "quorum_fraction"), Decimal("0.500")) == "0.5"


def test_choices_read_by_label_and_lists_of_choices_too():
    assert value_text(field(Membership, "status"), "ADVISORY") == "Advisory (non-voting)"
    capacities = field(Membership, "capacities")
    assert value_text(capacities, ["provider", "network_support"], "alliance.membership") == "Provider, Network support"
    kinds = field(DelegatedAuthority, "decision_kinds")
    assert value_text(kinds, ["OPERATIONAL"], "roles.delegatedauthority") == "Operational"
    assert value_text(field(Decision, "tags"), ["outreach", "night_hub"], "decisions.decision") == "outreach, night hub"
    assert value_text(field(Decision, "tags"), [], "decisions.decision") is None


def test_moments_days_and_yes_or_no_read_as_the_pages_show_them(settings):
    settings.TIME_ZONE = "Europe/London"
    moment = datetime(2023, 9, 21, 15, 0, tzinfo=UTC)  # 16:00 in London (summer time)
    assert value_text(field(Decision, "opened_at"), moment) == "21/09/2023 16:00"
    assert value_text(field(Decision, "decided_on"), date(2023, 9, 21)) == "21/09/2023"
    assert value_text(field(Membership, "is_signatory"), True) == "yes"
    assert value_text(field(Membership, "is_signatory"), False) == "no"
    assert value_text(field(Decision, "title"), "") is None


def test_the_machine_value_is_kept_as_stored():
    assert raw(Decimal("240000.00")) == "240000.00"
    assert raw(datetime(2023, 9, 21, 15, 0, tzinfo=UTC)) == "2023-09-21T15:00:00+00:00"
    assert raw(["outreach", "night_hub"]) == '["outreach", "night_hub"]'
    assert raw(None) == "" and raw(True) == "true" and raw(12) == "12"
