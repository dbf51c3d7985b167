"""The performance measures' pages: the list with latest values against target, a measure's chart and
narratives, the forms (refusals shown in the form's words), and the CSV and XLSX downloads."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from alliance.models import Membership, Organisation
from contracts import services
from contracts.models import Measure, MeasureReturn
from roles.standing import SYSTEM
from tests.contracts.measure_scene import adopting_decision, define_measure
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.helpers import rows, viewer_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def adopted(scene):
    return adopting_decision(scene)


make_measure = define_measure


@pytest.fixture
def measure(scene, adopted):
    measure = make_measure(scene, adopted)
    services.enter_return(actor=SYSTEM, measure=measure, period_start=date(2021, 4, 1), value=31, on=date(2021, 7, 30))
    services.enter_return(actor=SYSTEM, measure=measure, period_start=date(2021, 7, 1), value=44, on=date(2021, 10, 5))
    return measure


def rep_client(client, scene, index=0):
    scene.reps[index].user = UserFactory(username=f"rep{index}")
    scene.reps[index].save()
    client.force_login(scene.reps[index].user)
    return client


class TestTheList:
    def test_shows_latest_value_against_target_and_flags(self, secretary, scene, measure):
        page = secretary.get(reverse("measures", args=[scene.alliance.slug]))
        assert page.status_code == 200
        text = page.content.decode()
        assert "People moved on" in text and "on target" in text and "1 late" in text and "missing" in text

    def test_off_target_filter(self, secretary, scene, measure, adopted):
        lower = make_measure(scene, adopted, name="Nights in B&B", direction="lower", target=10)
        services.enter_return(actor=SYSTEM, measure=lower, period_start=date(2021, 4, 1), value=25, on=date(2021, 7, 2))
        page = secretary.get(reverse("measures", args=[scene.alliance.slug]), {"off_target": "true"})
        text = page.content.decode()
        assert "Nights in B&amp;B" in text and "People moved on" not in text

    def test_a_bad_filter_answers_400_with_the_page(self, secretary, scene, measure):
        page = secretary.get(reverse("measures", args=[scene.alliance.slug]), {"late": "perhaps"})
        assert page.status_code == 400 and "neither true nor false" in page.content.decode()

    def test_the_list_costs_the_same_queries_whatever_it_holds(
        self, secretary, scene, adopted, django_assert_max_num_queries
    ):
        for n in range(8):
            m = make_measure(scene, adopted, name=f"Measure {n}")
            services.enter_return(actor=SYSTEM, measure=m, period_start=date(2021, 4, 1), value=n, on=date(2021, 7, 2))
        with django_assert_max_num_queries(22):
            assert secretary.get(reverse("measures", args=[scene.alliance.slug])).status_code == 200

    def test_a_stranger_gets_404(self, client, scene, measure):
        client.force_login(UserFactory(username="nobody"))
        assert client.get(reverse("measures", args=[scene.alliance.slug])).status_code == 404


class TestAMeasuresPage:
    def test_the_chart_has_its_data_table(self, secretary, scene, measure):
        page = secretary.get(measure.get_absolute_url())
        text = page.content.decode()
        assert 'data-chart="measure"' in text and 'id="chart-data"' in text and "Jul 2021" in text
        assert "off target" in text and "late: due" in text

    def test_a_narrative_measure_lists_its_narratives(self, secretary, scene, adopted):
        lived = MembershipFactory(
            alliance=scene.alliance,
            organisation=OrganisationFactory(name="Voices", kind=Organisation.Kind.LIVED_EXPERIENCE),
            status=Membership.Status.ADVISORY,
            capacities=["lived_experience"],
        ).organisation
        m = make_measure(
            scene, adopted, name="What people said", direction="narrative", target=None, co_defined_with=lived
        )
        services.enter_return(
            actor=SYSTEM, measure=m, period_start=date(2021, 4, 1), narrative="The hub felt safe.", on=date(2021, 7, 2)
        )
        text = secretary.get(m.get_absolute_url()).content.decode()
        assert "The hub felt safe." in text and "Co-defined with" in text and 'data-chart="measure"' not in text

    def test_a_viewer_sees_no_return_form(self, client, scene, measure):
        client.force_login(viewer_of(scene.alliance))
        page = client.get(measure.get_absolute_url())
        assert page.status_code == 200 and "Enter a return" not in page.content.decode()


class TestTheForms:
    def test_the_representative_enters_a_return(self, client, scene, measure):
        c = rep_client(client, scene)
        url = reverse("measure-return-enter", args=[scene.alliance.slug, measure.pk])
        assert c.get(url).status_code == 200
        answer = c.post(url, {"period_start": "2021-10-01", "value": "39"})
        assert answer.status_code == 302
        assert measure.returns.get(period_start=date(2021, 10, 1)).submitted_by.username == "rep0"

    def test_another_members_representative_is_refused_with_a_message(self, client, scene, measure):
        c = rep_client(client, scene, index=1)
        page = c.get(reverse("measure-return-enter", args=[scene.alliance.slug, measure.pk]))
        assert page.status_code == 403 and "representative (or deputy)" in page.content.decode()

    def test_a_refused_return_is_shown_on_the_form_and_writes_nothing(self, secretary, scene, measure):
        before = rows(MeasureReturn)
        page = secretary.post(
            reverse("measure-return-enter", args=[scene.alliance.slug, measure.pk]),
            {"period_start": "2021-10-01", "value": ""},
        )
        assert page.status_code == 200 and "Give the value for the period (in people)." in page.content.decode()
        page = secretary.post(
            reverse("measure-return-enter", args=[scene.alliance.slug, measure.pk]),
            {"period_start": "2021-04-01", "value": "3"},
        )
        assert "correct that return instead" in page.content.decode()
        assert rows(MeasureReturn) == before

    def test_a_correction_needs_a_reason_on_the_form(self, secretary, scene, measure):
        entry = measure.returns.first()
        url = reverse("measure-return-correct", args=[scene.alliance.slug, measure.pk, entry.pk])
        page = secretary.post(url, {"value": "30", "reason": ""})
        assert page.status_code == 200 and "This field is required" in page.content.decode()
        assert secretary.post(url, {"value": "30", "reason": "Recounted"}).status_code == 302
        entry.refresh_from_db()
        assert entry.value == 30

    def test_the_secretary_defines_a_measure(self, secretary, scene, adopted):
        answer = secretary.post(
            reverse("measure-define", args=[scene.alliance.slug]),
            {
                "name": "Nights in B&B",
                "definition": "Nights spent in bed-and-breakfast accommodation.",
                "unit": "nights",
                "direction": "lower",
                "target": "100",
                "frequency": "monthly",
                "first_period_starts_on": "2021-04-01",
                "due_days_after_period": "15",
                "service_category": "emergency_accommodation",
                "adopted_by": adopted.pk,
                "visibility": "MEMBERS",
            },
        )
        assert answer.status_code == 302
        assert Measure.objects.get(name="Nights in B&B").frequency == "monthly"

    def test_a_co_definer_not_lived_experience_is_refused_on_the_form(self, secretary, scene, adopted):
        before = rows(Measure)
        page = secretary.post(
            reverse("measure-define", args=[scene.alliance.slug]),
            {
                "name": "What people said",
                "definition": "In their words.",
                "direction": "narrative",
                "frequency": "quarterly",
                "first_period_starts_on": "2021-04-01",
                "due_days_after_period": "20",
                "service_category": "day_services",
                "co_defined_with": scene.advisory.organisation.pk,
                "adopted_by": adopted.pk,
                "visibility": "MEMBERS",
            },
        )
        assert page.status_code == 200 and "is not a lived-experience member" in page.content.decode()
        assert rows(Measure) == before

    def test_a_representative_may_not_define_a_measure(self, client, scene):
        c = rep_client(client, scene)
        assert c.get(reverse("measure-define", args=[scene.alliance.slug])).status_code == 403

    def test_the_secretary_retires_a_measure(self, secretary, scene, measure):
        answer = secretary.post(reverse("measure-retire", args=[scene.alliance.slug, measure.pk]), {"reason": "Done"})
        assert answer.status_code == 302
        measure.refresh_from_db()
        assert not measure.active

    def test_the_secretary_changes_the_target(self, secretary, scene, measure, adopted):
        url = reverse("measure-change", args=[scene.alliance.slug, measure.pk])
        assert secretary.get(url).status_code == 200
        data = {
            "name": measure.name,
            "definition": measure.definition,
            "unit": "people",
            "target": "45",
            "due_days_after_period": "20",
            "reported_by": measure.reported_by_id,
            "adopted_by": adopted.pk,
            "visibility": "MEMBERS",
            "reason": "Raised at the annual review",
        }
        assert secretary.post(url, data).status_code == 302
        measure.refresh_from_db()
        assert measure.target == 45


class TestDownloads:
    def test_csv_with_filters_applied(self, secretary, scene, measure):
        answer = secretary.get(reverse("measure-returns-csv", args=[scene.alliance.slug]), {"late": "true"})
        assert answer.status_code == 200
        body = b"".join(answer.streaming_content).decode("utf-8-sig")
        lines = list(csv.reader(io.StringIO(body)))
        assert lines[0][0] == "measure" and len(lines) == 2 and lines[1][6] == "yes"

    def test_xlsx(self, secretary, scene, measure):
        answer = secretary.get(reverse("measure-returns-xlsx", args=[scene.alliance.slug]))
        book = load_workbook(io.BytesIO(answer.content))
        sheet = book["Returns"]
        assert sheet.max_row == 3 and sheet["H2"].value == 31

    def test_a_bad_filter_answers_400(self, secretary, scene, measure):
        answer = secretary.get(reverse("measure-returns-csv", args=[scene.alliance.slug]), {"late": "maybe"})
        assert answer.status_code == 400 and "correct it" in answer.content.decode()
