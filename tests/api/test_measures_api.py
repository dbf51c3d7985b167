"""The measures API: lists filtered by contract, category, workstream, off target and late; details and
history; measures defined, changed and retired, returns entered and corrected through the services, with
each refusal a 400/403/409 JSON message and nothing written."""

from datetime import date

import pytest

from contracts import services
from contracts.models import Measure, MeasureReturn
from roles.standing import SYSTEM
from tests.contracts.measure_scene import adopting_decision, define_measure
from tests.factories import ContractFactory, UserFactory, WorkstreamFactory
from tests.helpers import rows, token_client, viewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def adopted(scene):
    return adopting_decision(scene)


make = define_measure


@pytest.fixture
def measure(scene, adopted):
    m = make(scene, adopted)
    services.enter_return(actor=SYSTEM, measure=m, period_start=date(2021, 4, 1), value=31, on=date(2021, 7, 30))
    return m


@pytest.fixture
def secretary_api(scene):
    scene.secretary.user = UserFactory(username="secretary")
    scene.secretary.save()
    return token_client(scene.secretary.user)


def rep_api(scene, index=0):
    scene.reps[index].user = UserFactory(username=f"rep{index}")
    scene.reps[index].save()
    return token_client(scene.reps[index].user)


class TestLists:
    def test_measures_with_latest_value_and_flags(self, secretary_api, measure):
        body = secretary_api.get("/api/v1/measures/").json()
        row = body["results"][0]
        assert row["latest_value"] == "31.00" and row["off_target"] is True and row["has_late_return"] is True

    def test_filters(self, secretary_api, scene, adopted, measure):
        contract = ContractFactory(alliance=scene.alliance, provider=scene.members[0].organisation)
        by_contract = make(scene, adopted, name="By contract", service_category="", contract=contract)
        workstream = WorkstreamFactory(alliance=scene.alliance)
        by_workstream = make(scene, adopted, name="By workstream", service_category="", workstream=workstream)

        def ids(query):
            return [r["id"] for r in secretary_api.get("/api/v1/measures/", query).json()["results"]]

        assert ids({"contract": contract.pk}) == [by_contract.pk]
        assert ids({"workstream": workstream.pk}) == [by_workstream.pk]
        assert ids({"service_category": "emergency_accommodation"}) == [measure.pk]
        assert ids({"off_target": "true"}) == [measure.pk]
        assert ids({"late": "true"}) == [measure.pk]
        assert set(ids({"late": "false"})) == {by_contract.pk, by_workstream.pk}

    def test_returns_filters(self, secretary_api, measure):
        late = secretary_api.get("/api/v1/measure-returns/", {"late": "true"}).json()["results"]
        assert [r["late"] for r in late] == [True] and late[0]["on_target"] is False
        assert secretary_api.get("/api/v1/measure-returns/", {"off_target": "false"}).json()["count"] == 0

    def test_a_bad_filter_answers_400(self, secretary_api, measure):
        assert secretary_api.get("/api/v1/measures/", {"off_target": "maybe"}).status_code == 400

    def test_a_stranger_reads_nothing(self, stranger_api, measure):
        assert stranger_api.get("/api/v1/measures/").json()["count"] == 0
        assert stranger_api.get(f"/api/v1/measures/{measure.pk}/").status_code == 404
        assert stranger_api.get("/api/v1/measure-returns/").json()["count"] == 0

    def test_history_of_a_measure_and_a_return(self, secretary_api, measure):
        assert secretary_api.get(f"/api/v1/measures/{measure.pk}/history/").json()[0]["reason"].startswith("Measure")
        entry = measure.returns.get()
        assert secretary_api.get(f"/api/v1/measure-returns/{entry.pk}/history/").status_code == 200

    def test_lists_cost_the_same_queries_whatever_they_hold(
        self, secretary_api, scene, adopted, django_assert_max_num_queries
    ):
        for n in range(10):
            m = make(scene, adopted, name=f"Measure {n}")
            services.enter_return(actor=SYSTEM, measure=m, period_start=date(2021, 4, 1), value=n, on=date(2021, 7, 2))
        with django_assert_max_num_queries(12):
            assert secretary_api.get("/api/v1/measures/").json()["count"] == 10
        with django_assert_max_num_queries(12):
            assert secretary_api.get("/api/v1/measure-returns/").json()["count"] == 10


class TestWrites:
    def test_the_secretary_defines_a_measure(self, secretary_api, scene, adopted):
        answer = secretary_api.post(
            "/api/v1/measures/",
            {
                "alliance": scene.alliance.slug,
                "name": "Nights in B&B",
                "definition": "Nights in bed-and-breakfast accommodation.",
                "direction": "lower",
                "target": "100",
                "frequency": "monthly",
                "first_period_starts_on": "2021-04-01",
                "service_category": "emergency_accommodation",
                "adopted_by": adopted.pk,
            },
            format="json",
        )
        assert answer.status_code == 201, answer.json()
        assert answer.json()["direction"] == "lower"

    def test_a_refused_definition_is_400_and_writes_nothing(self, secretary_api, scene, adopted):
        before = rows(Measure)
        answer = secretary_api.post(
            "/api/v1/measures/",
            {
                "alliance": scene.alliance.slug,
                "name": "Nights in B&B",
                "definition": "Nights.",
                "direction": "lower",
                "frequency": "monthly",
                "first_period_starts_on": "2021-04-01",
                "service_category": "emergency_accommodation",
                "adopted_by": adopted.pk,
            },
            format="json",
        )
        assert answer.status_code == 400 and answer.json()["code"] == "measure_needs_target"
        assert rows(Measure) == before

    def test_a_representative_may_not_define_one(self, scene, adopted):
        answer = rep_api(scene).post("/api/v1/measures/", {"alliance": scene.alliance.slug}, format="json")
        assert answer.status_code == 403 and answer.json()["code"] == "not_permitted"

    def test_change_and_retire(self, secretary_api, measure):
        answer = secretary_api.post(
            f"/api/v1/measures/{measure.pk}/change/", {"target": "45", "reason": "Review"}, format="json"
        )
        assert answer.status_code == 200 and answer.json()["target"] == "45.00"
        answer = secretary_api.post(f"/api/v1/measures/{measure.pk}/retire/", {"reason": "Replaced"}, format="json")
        assert answer.status_code == 200 and answer.json()["active"] is False
        again = secretary_api.post(f"/api/v1/measures/{measure.pk}/retire/", {"reason": "Again"}, format="json")
        assert again.status_code == 409

    def test_the_representative_enters_a_return(self, scene, measure):
        answer = rep_api(scene).post(
            "/api/v1/measure-returns/",
            {"measure": measure.pk, "period_start": "2021-07-01", "value": "41"},
            format="json",
        )
        assert answer.status_code == 201, answer.json()
        assert answer.json()["late"] is True and answer.json()["on_target"] is True

    def test_another_members_representative_is_refused(self, scene, measure):
        before = rows(MeasureReturn)
        answer = rep_api(scene, 1).post(
            "/api/v1/measure-returns/",
            {"measure": measure.pk, "period_start": "2021-07-01", "value": "41"},
            format="json",
        )
        assert answer.status_code == 403 and "representative (or deputy)" in answer.json()["detail"]
        assert rows(MeasureReturn) == before

    def test_a_viewer_is_refused(self, scene, measure):
        api = token_client(viewer_of(scene.alliance))
        answer = api.post(
            "/api/v1/measure-returns/", {"measure": measure.pk, "period_start": "2021-07-01", "value": 1}, format="json"
        )
        assert answer.status_code == 403

    def test_a_second_return_for_the_period_is_409(self, secretary_api, measure):
        before = rows(MeasureReturn)
        answer = secretary_api.post(
            "/api/v1/measure-returns/",
            {"measure": measure.pk, "period_start": "2021-04-01", "value": "41"},
            format="json",
        )
        assert answer.status_code == 409 and answer.json()["code"] == "return_already_entered"
        assert rows(MeasureReturn) == before

    def test_a_period_that_is_not_the_measures_is_400(self, secretary_api, measure):
        answer = secretary_api.post(
            "/api/v1/measure-returns/",
            {"measure": measure.pk, "period_start": "2021-05-01", "value": "41"},
            format="json",
        )
        assert answer.status_code == 400 and answer.json()["field"] == "period_start"

    def test_a_numeric_return_without_value_is_400(self, secretary_api, measure):
        answer = secretary_api.post(
            "/api/v1/measure-returns/", {"measure": measure.pk, "period_start": "2021-07-01"}, format="json"
        )
        assert answer.status_code == 400 and answer.json()["code"] == "return_needs_value"

    def test_a_correction_through_the_api(self, scene, measure):
        entry = measure.returns.get()
        api = rep_api(scene)
        answer = api.post(
            f"/api/v1/measure-returns/{entry.pk}/correct/", {"value": "33", "reason": "Recount"}, format="json"
        )
        assert answer.status_code == 200 and answer.json()["value"] == "33.00"
        refused = rep_api(scene, 1).post(
            f"/api/v1/measure-returns/{entry.pk}/correct/", {"value": "1", "reason": "x"}, format="json"
        )
        assert refused.status_code == 403
