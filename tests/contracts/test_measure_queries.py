"""Reads of measures: oversight's "how does each service perform against its measures", a measure's chart
data, and the filters' meaning of off target and late."""

from datetime import date

import pytest

from alliance.access import Access
from contracts import services
from contracts.queries_measures import measure_chart, measures_of, on_target, service_performance
from roles.standing import SYSTEM
from tests.contracts.measure_scene import adopting_decision, define_measure
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db
ON = date(2021, 11, 1)


@pytest.fixture
def adopted(scene):
    return adopting_decision(scene)


make = define_measure


def enter(measure, start, on, **content):
    return services.enter_return(actor=SYSTEM, measure=measure, period_start=start, on=on, **content)


def test_on_target_by_direction(scene, adopted):
    higher = make(scene, adopted)
    lower = make(scene, adopted, name="Nights", direction="lower", target=10)
    assert on_target(higher, 40) is True and on_target(higher, 39) is False
    assert on_target(lower, 10) is True and on_target(lower, 11) is False
    assert on_target(higher, None) is None


def test_service_performance_answers_per_service(scene, adopted, django_assert_max_num_queries):
    moved_on = make(scene, adopted)
    enter(moved_on, date(2021, 4, 1), date(2021, 7, 25), value=31)  # late, off target
    contract = ContractFactory(alliance=scene.alliance, title="Outreach", provider=scene.members[0].organisation)
    engaged = make(scene, adopted, name="Engaged", service_category="", contract=contract, target=100)
    enter(engaged, date(2021, 4, 1), date(2021, 7, 1), value=120)
    enter(engaged, date(2021, 7, 1), date(2021, 10, 1), value=130)
    with django_assert_max_num_queries(2):
        answer = service_performance(scene.alliance, SYSTEM, ON)
    assert [s["subject"] for s in answer] == ["Emergency accommodation", "Outreach"]
    first = answer[0]
    assert (first["off_target"], first["late_returns"], first["missing_returns"]) == (1, 1, 1)
    assert first["measures"][0]["status"] == "off target" and first["measures"][0]["missing_periods"] == [
        date(2021, 7, 1)
    ]
    assert answer[1]["on_target"] == 1 and answer[1]["measures"][0]["latest_value"] == 130


def test_service_performance_follows_the_read_rule(scene, adopted):
    make(scene, adopted, visibility="CONFIDENTIAL")
    viewer = Access(authenticated=True, members_of=frozenset({scene.alliance.pk}))
    assert service_performance(scene.alliance, viewer, ON) == []
    assert len(service_performance(scene.alliance, SYSTEM, ON)) == 1


def test_a_retired_measure_is_left_out(scene, adopted):
    measure = make(scene, adopted)
    services.retire_measure(actor=SYSTEM, measure=measure, reason="Replaced")
    assert service_performance(scene.alliance, SYSTEM, ON) == []


def test_the_chart_has_the_values_and_the_target(scene, adopted):
    measure = make(scene, adopted)
    enter(measure, date(2021, 4, 1), date(2021, 7, 2), value=31)
    chart = measure_chart(measure, list(measures_of(scene.alliance, SYSTEM).get().returns.all()))
    assert chart["measure"]["labels"] == ["Apr 2021"]
    assert [s["data"] for s in chart["measure"]["series"]] == [[31.0], [40.0]]
