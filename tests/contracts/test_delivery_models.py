"""Issue 21's records (delivery plan, measures and returns, scope and money, oversight's queries):
the computed figures on the models and each record's read rule, as the readers of two alliances see it."""

from datetime import date
from decimal import Decimal

import pytest

from alliance.access import Access, can_read, restrict
from contracts.models import (
    BudgetEnvelope,
    Measure,
    MeasureReturn,
    Milestone,
    OversightQuery,
    SavingsRecord,
    ServiceLine,
    Workstream,
    WorkstreamContract,
)
from decisions.models import Decision
from tests.factories import (
    AllianceFactory,
    BudgetEnvelopeFactory,
    MeasureFactory,
    MeasureReturnFactory,
    MilestoneFactory,
    OversightQueryFactory,
    SavingsRecordFactory,
    ServiceLineFactory,
    WorkstreamContractFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db


class TestSlippage:
    def test_an_achieved_milestone_slips_by_the_days_from_its_baseline_to_its_actual_date(self):
        milestone = MilestoneFactory.build(
            baseline_target_on=date(2022, 3, 31), target_on=date(2022, 9, 30), actual_on=date(2022, 10, 10)
        )
        assert milestone.slippage_days(date(2023, 1, 1)) == 193

    def test_an_open_milestone_slips_by_its_moved_target_before_it_is_due(self):
        milestone = MilestoneFactory.build(baseline_target_on=date(2022, 3, 31), target_on=date(2022, 4, 30))
        assert milestone.slippage_days(date(2022, 4, 1)) == 30
        assert not milestone.is_past_due_on(date(2022, 4, 30))

    def test_an_open_milestone_past_its_target_slips_to_today(self):
        milestone = MilestoneFactory.build(baseline_target_on=date(2022, 3, 31), target_on=date(2022, 3, 31))
        assert milestone.slippage_days(date(2022, 4, 10)) == 10
        assert milestone.is_past_due_on(date(2022, 4, 10))

    def test_a_milestone_achieved_early_has_no_slippage(self):
        milestone = MilestoneFactory.build(
            baseline_target_on=date(2022, 3, 31), target_on=date(2022, 3, 31), actual_on=date(2022, 3, 1)
        )
        assert milestone.slippage_days(date(2022, 6, 1)) == 0


class TestEnvelope:
    def test_five_per_cent_a_year_from_year_two_compounds(self):
        envelope = BudgetEnvelopeFactory.build(baseline_amount=Decimal("20000000.00"))
        assert [envelope.amount_for(year) for year in (1, 2, 3)] == [
            Decimal("20000000.00"),
            Decimal("19000000.00"),
            Decimal("18050000.00"),
        ]

    def test_no_reduction_keeps_the_baseline(self):
        envelope = BudgetEnvelopeFactory.build(annual_reduction_percent=Decimal("0"))
        assert envelope.amount_for(4) == envelope.baseline_amount


def test_a_return_entered_after_its_due_date_is_late():
    on_time = MeasureReturnFactory()
    late = MeasureReturnFactory(
        measure=on_time.measure,
        period_start=date(2021, 7, 1),
        period_end=date(2021, 9, 30),
        due_on=date(2021, 10, 20),
        submitted_on=date(2021, 11, 1),
    )
    assert not on_time.is_late and late.is_late
    assert list(MeasureReturn.objects.late()) == [late]


@pytest.fixture
def two_alliances():
    mine, other = AllianceFactory(), AllianceFactory(publish_register=True)
    records = {}
    for alliance in (mine, other):
        workstream = WorkstreamFactory(alliance=alliance)
        confidential = WorkstreamFactory(alliance=alliance, visibility=Decision.Visibility.CONFIDENTIAL)
        public = WorkstreamFactory(alliance=alliance, visibility=Decision.Visibility.PUBLIC)
        measure = MeasureFactory(alliance=alliance, workstream=workstream)
        line = ServiceLineFactory(alliance=alliance)
        records[alliance.pk] = {
            "workstream": workstream,
            "confidential": confidential,
            "public": public,
            "milestone": MilestoneFactory(workstream=workstream),
            "secret_milestone": MilestoneFactory(workstream=confidential),
            "link": WorkstreamContractFactory(workstream=workstream),
            "measure": measure,
            "return": MeasureReturnFactory(measure=measure),
            "line": line,
            "envelope": BudgetEnvelopeFactory(alliance=alliance),
            "saving": SavingsRecordFactory(service_line=line),
            "query": OversightQueryFactory(alliance=alliance),
        }
    return mine, other, records


MODELS = (
    Workstream,
    Milestone,
    WorkstreamContract,
    Measure,
    MeasureReturn,
    ServiceLine,
    BudgetEnvelope,
    SavingsRecord,
    OversightQuery,
)


def test_a_member_reads_their_alliances_delivery_records_and_none_of_another(two_alliances):
    mine, other, records = two_alliances
    member = Access(authenticated=True, members_of=frozenset({mine.pk}))
    for model in MODELS:
        readable = set(restrict(model.objects.all(), member))
        assert readable, model
        assert all(row.alliance_id == mine.pk for row in readable if hasattr(row, "alliance_id"))
        for row in model.objects.all():
            assert can_read(member, row) == (row in readable), (model, row)
    assert records[mine.pk]["confidential"] not in restrict(Workstream.objects.all(), member)
    assert records[mine.pk]["secret_milestone"] not in restrict(Milestone.objects.all(), member)
    assert records[other.pk]["public"] not in restrict(Workstream.objects.all(), member)


def test_oversight_reads_a_confidential_workstream_and_its_milestones(two_alliances):
    mine, _, records = two_alliances
    oversight = Access(authenticated=True, members_of=frozenset({mine.pk}), oversight_of=frozenset({mine.pk}))
    assert can_read(oversight, records[mine.pk]["confidential"])
    assert can_read(oversight, records[mine.pk]["secret_milestone"])


def test_the_public_reads_only_published_public_workstreams(two_alliances):
    _, other, records = two_alliances
    anonymous = Access(public_alliances=frozenset({other.pk}))
    assert list(restrict(Workstream.objects.all(), anonymous)) == [records[other.pk]["public"]]
    assert not restrict(ServiceLine.objects.all(), anonymous).exists()
    assert not restrict(BudgetEnvelope.objects.all(), anonymous).exists()


def test_every_record_keeps_its_history(two_alliances):
    for model in MODELS:
        row = model.objects.first()
        assert row.history.count() == 1, model


class TestPeriods:
    def test_quarterly_periods_due_twenty_days_after_each_quarter(self):
        measure = MeasureFactory.build(first_period_starts_on=date(2021, 4, 1), frequency="quarterly")
        periods = measure.periods_due_by(date(2021, 10, 21))
        assert [(p.start, p.end, p.due_on) for p in periods] == [
            (date(2021, 4, 1), date(2021, 6, 30), date(2021, 7, 20)),
            (date(2021, 7, 1), date(2021, 9, 30), date(2021, 10, 20)),
        ]

    def test_a_period_due_today_is_not_yet_missing(self):
        measure = MeasureFactory.build(first_period_starts_on=date(2021, 4, 1), frequency="monthly")
        assert [p.start for p in measure.periods_due_by(date(2021, 5, 21))] == [date(2021, 4, 1)]

    def test_missing_periods_are_those_due_with_no_return(self):
        returned = MeasureReturnFactory()
        missing = returned.measure.missing_periods(date(2022, 1, 21))
        assert [p.start for p in missing] == [date(2021, 7, 1), date(2021, 10, 1)]

    def test_an_inactive_measure_misses_nothing(self):
        measure = MeasureFactory(active=False)
        assert measure.missing_periods(date(2030, 1, 1)) == []
