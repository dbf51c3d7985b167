"""The import pages: templates, the dry run's preview, the confirm step, and refusals where users meet them."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from alliance.import_models import ImportRun
from alliance.models import AuditLink
from decisions.models import Decision
from tests.helpers import actor_for, rows
from tests.imports.files import csv_file
from tests.imports.test_decision_log_import import HEADER, decision_row

WATCHED = (Decision, ImportRun, AuditLink)


def url(scene, name="import-upload", kind="decisions"):
    return reverse(name, kwargs={"slug": scene.alliance.slug, "import_kind": kind})


def upload(client, scene, content, name="log.csv"):
    return client.post(url(scene), {"file": SimpleUploadedFile(name, content)})


def test_csv_template_opens_in_excel_with_its_example(secretary, scene):
    response = secretary.get(url(scene, "import-template-csv"))
    text = response.content.decode("utf-8")
    assert response.status_code == 200 and text.startswith("\ufeffReference,Body,Title,Proposal,Kind,Outcome")
    assert "ALT-2021-001" in text.splitlines()[1]


def test_xlsx_template_explains_each_column(secretary, scene):
    response = secretary.get(url(scene, "import-template-xlsx", "roles"))
    book = load_workbook(BytesIO(response.content))
    first, about = book.worksheets
    assert [c.value for c in first[1]][:2] == ["Role", "Organisation represented"]
    assert first.max_row == 2  # the heading and one example row
    assert [c.value for c in about[1]] == ["Column", "Needed", "What to write"]
    assert about["A2"].value == "Role" and about["B2"].value == "Yes"


def test_dry_run_previews_then_confirm_imports(secretary, scene):
    content = csv_file(HEADER, decision_row(1), decision_row(2))
    before = rows(*WATCHED)
    response = upload(secretary, scene, content)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Decision: ALT-2021-001: Past decision 1" in page and "Import these 2 rows" in page
    assert rows(*WATCHED) == before
    confirm = {"content": response.context["confirm_form"].initial["content"], "file_name": "log.csv"}
    done = secretary.post(url(scene), confirm)
    run = ImportRun.objects.get()
    assert done.status_code == 302 and done.url == run.get_absolute_url()
    assert Decision.objects.filter(reference__in=["ALT-2021-001", "ALT-2021-002"]).count() == 2
    detail = secretary.get(run.get_absolute_url()).content.decode()
    assert run.sha256 in detail and "ALT-2021-002: Past decision 2" in detail
    assert "log.csv" in secretary.get(reverse("import-list", kwargs={"slug": scene.alliance.slug})).content.decode()
    imported = Decision.objects.get(reference="ALT-2021-001")
    page = secretary.get(imported.get_absolute_url())
    assert page.status_code == 200 and "as recorded in the alliance&#x27;s earlier log" in page.content.decode()


def test_a_refused_row_is_named_on_the_page_and_nothing_is_written(secretary, scene):
    content = csv_file(HEADER, decision_row(1), decision_row(2, Outcome="Maybe"))
    before = rows(*WATCHED)
    response = upload(secretary, scene, content)
    page = response.content.decode()
    assert "1 row needs attention; nothing was imported." in page
    assert "“Outcome”: &#x27;Maybe&#x27; is not one of" in page
    assert "Import these" not in page
    assert rows(*WATCHED) == before


def test_a_file_that_is_not_the_template_is_refused_on_the_form(secretary, scene):
    response = upload(secretary, scene, b"Name,Date\nA,B\n")
    assert "This is not the decision log template" in response.content.decode()


def test_a_member_representative_is_refused_and_nothing_is_written(client, scene):
    actor_for(scene.reps[0])  # gives the representative a login
    client.force_login(scene.reps[0].user)
    before = rows(*WATCHED)
    assert client.get(url(scene)).status_code == 403
    assert upload(client, scene, csv_file(HEADER, decision_row(1))).status_code == 403
    confirm = {"content": "UmVmZXJlbmNl", "file_name": "log.csv"}
    assert client.post(url(scene), confirm).status_code == 403
    assert client.get(reverse("import-list", kwargs={"slug": scene.alliance.slug})).status_code == 403
    assert rows(*WATCHED) == before


def test_an_unknown_kind_is_not_found(secretary, scene):
    assert secretary.get(url(scene, kind="contracts")).status_code == 404
