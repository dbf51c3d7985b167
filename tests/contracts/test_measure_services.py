"""Performance measures and returns (issue 21, part 2): each rule's allowed case, each refusal, and that a
refusal writes nothing."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from alliance.models import Membership, Organisation
from contracts import services
from contracts.models import Measure, MeasureReturn
from decisions.models import Decision
from roles.models import Role
from roles.standing import SYSTEM
from tests.contracts.measure_scene import adopting_decision
from tests.factories import (
    ContractFactory,
    DecisionFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
    WorkstreamFactory,
)
from tests.helpers import actor_for, refused_watching, viewer_of

pytestmark = pytest.mark.django_db
refused = refused_watching(Measure, MeasureReturn)

NOW = datetime(2021, 4, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def lived(scene):
    return MembershipFactory(
        alliance=scene.alliance,
        organisation=OrganisationFactory(name="Voices of Experience", kind=Organisation.Kind.LIVED_EXPERIENCE),
        status=Membership.Status.ADVISORY,
        capacities=["lived_experience"],
    ).organisation


@pytest.fixture
def adopted(scene):
    return adopting_decision(scene)


def define(scene, adopted, **fields):
    values = {
        "actor": SYSTEM,
        "alliance": scene.alliance,
        "name": "People moved on from emergency accommodation",
        "definition": "People who left emergency accommodation for a settled home in the quarter.",
        "unit": "people",
        "direction": Measure.Direction.HIGHER,
        "target": "40",
        "frequency": Measure.Frequency.QUARTERLY,
        "first_period_starts_on": date(2021, 4, 1),
        "service_category": "emergency_accommodation",
        "reported_by": scene.members[0].organisation,
        "adopted_by": adopted,
        "now": NOW,
    }
    values.update(fields)
    return services.define_measure(**values)


@pytest.fixture
def measure(scene, adopted):
    return define(scene, adopted)


class TestDefiningAMeasure:
    def test_the_secretary_defines_a_measure_adopted_by_an_agreed_decision(self, scene, adopted):
        measure = define(scene, adopted, actor=actor_for(scene.secretary))
        assert measure.target == Decimal("40.00")
        assert measure.history.get().history_change_reason == "Measure defined, adopted by ALT-2021-009"

    def test_a_narrative_measure_co_defined_with_the_lived_experience_member(self, scene, adopted, lived):
        measure = define(scene, adopted, direction="narrative", target=None, co_defined_with=lived)
        assert measure.is_narrative and measure.co_defined_with == lived

    def test_a_member_representative_may_not_define_a_measure(self, scene, adopted):
        error = refused("not_permitted", define, scene=scene, adopted=adopted, actor=actor_for(scene.reps[0]))
        assert "secretary" in error.message

    def test_a_co_definer_that_is_not_the_lived_experience_member_is_refused(self, scene, adopted):
        error = refused(
            "measure_co_definer_not_lived_experience",
            define,
            scene=scene,
            adopted=adopted,
            co_defined_with=scene.advisory.organisation,
        )
        assert "Co-defined with" in error.message and error.field == "co_defined_with"

    def test_an_organisation_outside_the_alliance_cannot_co_define(self, scene, adopted):
        outsider = OrganisationFactory(name="Elsewhere Voices", kind=Organisation.Kind.LIVED_EXPERIENCE)
        refused(
            "measure_co_definer_not_lived_experience", define, scene=scene, adopted=adopted, co_defined_with=outsider
        )

    def test_a_decision_not_agreed_cannot_adopt_it(self, scene, adopted):
        draft = DecisionFactory(body=scene.body)
        error = refused("measure_decision_not_agreed", define, scene=scene, adopted=adopted, adopted_by=draft)
        assert "agreed decision" in error.message

    def test_a_measure_needs_a_decision(self, scene, adopted):
        refused("measure_needs_decision", define, scene=scene, adopted=adopted, adopted_by=None)

    def test_another_alliances_decision_cannot_adopt_it(self, scene, adopted):
        other = DecisionFactory(status=Decision.Status.AGREED, reference="ALT-2021-001")
        refused("measure_decision_other_alliance", define, scene=scene, adopted=adopted, adopted_by=other)

    def test_a_numeric_measure_needs_a_target(self, scene, adopted):
        error = refused("measure_needs_target", define, scene=scene, adopted=adopted, target=None)
        assert error.field == "target"

    def test_a_narrative_measure_has_no_target(self, scene, adopted):
        refused("measure_narrative_target", define, scene=scene, adopted=adopted, direction="narrative", target="3")

    def test_a_target_that_is_not_a_number_is_refused(self, scene, adopted):
        refused("number_invalid", define, scene=scene, adopted=adopted, target="forty")

    def test_a_measure_has_exactly_one_subject(self, scene, adopted):
        contract = ContractFactory(alliance=scene.alliance)
        refused("measure_one_subject", define, scene=scene, adopted=adopted, contract=contract)
        refused("measure_one_subject", define, scene=scene, adopted=adopted, service_category="")

    def test_a_measure_of_a_contract_or_a_workstream(self, scene, adopted):
        contract = ContractFactory(alliance=scene.alliance, provider=scene.members[1].organisation)
        by_contract = define(
            scene, adopted, service_category="", contract=contract, reported_by=scene.members[1].organisation
        )
        workstream = WorkstreamFactory(alliance=scene.alliance)
        by_workstream = define(scene, adopted, service_category="", workstream=workstream)
        assert by_contract.contract == contract and by_workstream.workstream == workstream

    def test_another_alliances_contract_is_refused(self, scene, adopted):
        contract = ContractFactory()
        refused(
            "measure_subject_other_alliance",
            define,
            scene=scene,
            adopted=adopted,
            service_category="",
            contract=contract,
        )

    def test_the_reporter_is_a_member_or_the_contracts_provider(self, scene, adopted):
        refused("measure_reporter_not_member", define, scene=scene, adopted=adopted, reported_by=OrganisationFactory())

    def test_a_name_is_required(self, scene, adopted):
        refused("measure_text_required", define, scene=scene, adopted=adopted, name="  ")


class TestChangingAndRetiring:
    def test_the_secretary_changes_the_target_saying_why(self, measure, scene):
        services.change_measure(actor=actor_for(scene.secretary), measure=measure, reason="Agreed at review", target=45)
        measure.refresh_from_db()
        assert measure.target == Decimal("45.00")
        assert measure.history.first().history_change_reason == "Measure changed: Agreed at review"
        assert measure.history.last().target == Decimal("40.00")

    def test_a_change_needs_a_reason(self, measure):
        refused("measure_reason_required", services.change_measure, actor=SYSTEM, measure=measure, reason="", target=5)

    def test_the_frequency_is_fixed(self, measure):
        refused(
            "measure_fixed_field",
            services.change_measure,
            actor=SYSTEM,
            measure=measure,
            reason="x",
            frequency="annual",
        )

    def test_a_representative_may_not_change_it(self, measure, scene):
        refused(
            "not_permitted",
            services.change_measure,
            actor=actor_for(scene.reps[0]),
            measure=measure,
            reason="x",
            target=1,
        )

    def test_a_change_to_a_non_lived_experience_co_definer_is_refused(self, measure, scene):
        refused(
            "measure_co_definer_not_lived_experience",
            services.change_measure,
            actor=SYSTEM,
            measure=measure,
            reason="x",
            co_defined_with=scene.members[1].organisation,
        )

    def test_retiring_keeps_the_reason_and_stops_returns(self, measure):
        services.retire_measure(actor=SYSTEM, measure=measure, reason="Replaced by a measure of the new service")
        measure.refresh_from_db()
        assert not measure.active
        assert measure.history.first().history_change_reason.startswith("Measure retired: Replaced")
        refused(
            "measure_retired",
            services.enter_return,
            actor=SYSTEM,
            measure=measure,
            period_start=date(2021, 4, 1),
            value=3,
        )

    def test_a_retired_measure_is_not_retired_again(self, measure):
        services.retire_measure(actor=SYSTEM, measure=measure, reason="Gone")
        refused("measure_retired", services.retire_measure, actor=SYSTEM, measure=measure, reason="Again")


ON = date(2021, 7, 10)


def enter(measure, **fields):
    values = {"actor": SYSTEM, "measure": measure, "period_start": date(2021, 4, 1), "value": "38", "on": ON}
    values.update(fields)
    return services.enter_return(**values)


class TestEnteringAReturn:
    def test_the_reporting_organisations_representative_enters_it(self, measure, scene):
        entry = enter(measure, actor=actor_for(scene.reps[0]))
        assert entry.value == Decimal("38.00") and entry.period_end == date(2021, 6, 30)
        assert entry.due_on == date(2021, 7, 20) and not entry.is_late
        assert entry.on_behalf_of == scene.members[0].organisation
        assert entry.submitted_by == scene.reps[0].user

    def test_a_deputy_enters_it(self, measure, scene):
        deputy = scene.deputy(0, "Dana Deputy")
        assert enter(measure, actor=actor_for(deputy)).pk

    def test_the_alliances_secretary_enters_it(self, measure, scene):
        assert enter(measure, actor=actor_for(scene.secretary)).pk

    def test_another_members_representative_is_refused(self, measure, scene):
        error = refused("not_permitted", enter, measure=measure, actor=actor_for(scene.reps[1]))
        assert "representative (or deputy)" in error.message and scene.members[0].organisation.name in error.message

    def test_a_viewer_is_refused(self, measure, scene):
        refused("not_permitted", enter, measure=measure, actor=actor_for(viewer_of(scene.alliance)))

    def test_a_representative_whose_role_ended_before_the_day_is_refused(self, measure, scene):
        person = PersonFactory(name="Former Rep")
        role = RoleFactory(
            alliance=scene.alliance,
            kind=Role.Kind.DEPUTY_REPRESENTATIVE,
            organisation=scene.members[0].organisation,
        )
        RoleAssignmentFactory(role=role, person=person, starts_on=date(2021, 1, 1), ends_on=date(2021, 7, 1))
        refused("not_permitted", enter, measure=measure, actor=actor_for(person, on=date(2021, 6, 1)))

    def test_a_late_return_is_flagged(self, measure):
        entry = enter(measure, on=date(2021, 8, 2))
        assert entry.is_late
        assert entry.history.get().history_change_reason == "Return entered late"
        assert list(MeasureReturn.objects.late()) == [entry]

    def test_the_period_must_be_one_of_the_measures(self, measure):
        error = refused("return_not_a_period", enter, measure=measure, period_start=date(2021, 5, 1))
        assert "quarterly periods" in error.message

    def test_a_period_before_the_first_is_refused(self, measure):
        refused("return_not_a_period", enter, measure=measure, period_start=date(2021, 1, 1))

    def test_a_period_not_yet_ended_is_refused(self, measure):
        error = refused("return_period_not_ended", enter, measure=measure, period_start=date(2021, 7, 1))
        assert "has not ended" in error.message

    def test_a_return_dated_after_today_is_refused(self, measure):
        refused("return_date_future", enter, measure=measure, on=date(2999, 1, 1))

    def test_a_numeric_measure_needs_a_value(self, measure):
        error = refused("return_needs_value", enter, measure=measure, value=None)
        assert "(in people)" in error.message

    def test_a_value_that_is_not_a_number_is_refused(self, measure):
        refused("number_invalid", enter, measure=measure, value="about forty")

    def test_a_narrative_measure_needs_the_narrative(self, scene, adopted, lived):
        narrative = define(scene, adopted, direction="narrative", target=None, co_defined_with=lived)
        refused("return_needs_narrative", enter, measure=narrative, value=None, narrative=" ")
        refused("return_narrative_value", enter, measure=narrative, value="3", narrative="Words")
        entry = enter(narrative, value=None, narrative="People said the hub felt welcoming.")
        assert entry.value is None and entry.narrative.startswith("People said")

    def test_one_return_per_period(self, measure):
        enter(measure)
        error = refused("return_already_entered", enter, measure=measure, value="41")
        assert "correct that return" in error.message and error.conflict


class TestCorrectingAReturn:
    def test_a_correction_keeps_the_old_value_in_history(self, measure, scene):
        entry = enter(measure, on=date(2021, 8, 2))
        services.correct_return(actor=actor_for(scene.reps[0]), measure_return=entry, value="39", reason="Miscounted")
        entry.refresh_from_db()
        assert entry.value == Decimal("39.00") and entry.is_late
        assert [h.value for h in entry.history.all()] == [Decimal("39.00"), Decimal("38.00")]
        assert entry.history.first().history_change_reason == "Return corrected: Miscounted"

    def test_a_correction_by_another_member_is_refused(self, measure, scene):
        entry = enter(measure)
        refused(
            "not_permitted",
            services.correct_return,
            actor=actor_for(scene.reps[1]),
            measure_return=entry,
            value="1",
            reason="x",
        )

    def test_a_correction_needs_a_reason(self, measure):
        entry = enter(measure)
        refused(
            "return_reason_required", services.correct_return, actor=SYSTEM, measure_return=entry, value="1", reason=""
        )

    def test_a_correction_needs_a_value(self, measure):
        entry = enter(measure)
        refused("return_needs_value", services.correct_return, actor=SYSTEM, measure_return=entry, value="", reason="x")


class TestMissingPeriods:
    def test_the_periods_due_without_a_return_are_missing(self, measure):
        enter(measure)
        missing = measure.missing_periods(date(2022, 1, 25))
        assert [p.start for p in missing] == [date(2021, 7, 1), date(2021, 10, 1)]
