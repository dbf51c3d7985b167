"""Every register downloads from its page as CSV and Excel, with the page's filters and date: the file
holds the page's rows (every page of them), in the page's order, read through the same read rule.

Each workbook is opened with openpyxl and its rows compared with the rows the page lists."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from decisions.models import Decision
from tests import factories as make
from tests.helpers import viewer_of

pytestmark = pytest.mark.django_db

BASE = "/alliances/dunmarrow"


def agreed(body, reference, title, *, decided_on, visibility="MEMBERS", **fields):
    return make.DecisionFactory(
        body=body,
        reference=reference,
        title=title,
        status=Decision.Status.AGREED,
        decided_on=decided_on,
        visibility=visibility,
        **fields,
    )


@pytest.fixture
def registers(award):
    """The award scene with a record or more in every register, a confidential decision, and another
    alliance's records that no reader of Dunmarrow may see in a Dunmarrow download."""
    scene = award.scene
    body = scene.body
    agreed(body, "ALT-2021-001", "Set the 2021/22 alliance budget of £23.4m", decided_on=date(2021, 3, 10))
    agreed(body, "ALT-2021-002", '=HYPERLINK("http://evil.example")', decided_on=date(2021, 4, 10), value=Decimal(9))
    agreed(body, "ALT-2021-003", "Confidential settlement", decided_on=date(2021, 5, 10), visibility="CONFIDENTIAL")
    make.DecisionFactory(body=body, title="A draft still being written")
    make.RoleAssignmentFactory(
        role=make.RoleFactory(alliance=scene.alliance, title="Alliance director", body=body),
        person=make.PersonFactory(name="Priya Raman"),
        starts_on=date(2022, 1, 1),
    )
    make.RoleFactory(alliance=scene.alliance, title="Lived experience advisor")  # vacant
    make.DelegatedAuthorityFactory(role=make.RoleFactory(alliance=scene.alliance, title="Chief officer"), body=body)
    scene.interest(0)
    award.process()
    award.process(route="DIRECT_AWARD", title="Day services")
    make.ContractFactory(alliance=scene.alliance, title="Supported flats", provider=scene.members[1].organisation)
    other = make.AllianceFactory(slug="elsewhere", name="Elsewhere Alliance")
    other_body = make.GoverningBodyFactory(alliance=other, code="OTH")
    agreed(other_body, "OTH-2021-001", "Elsewhere secret plan", decided_on=date(2021, 3, 1))
    make.RoleAssignmentFactory(
        role=make.RoleFactory(alliance=other, title="Elsewhere chair"), person=make.PersonFactory(name="Zed")
    )
    make.ContractFactory(alliance=other, title="Elsewhere contract")
    return award


def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def viewer(client, registers):
    return signed_in(client, viewer_of(registers.alliance))


@pytest.fixture
def keeper(client, registers):
    """The ALT's secretary, who reads the alliance's confidential records."""
    registers.scene.secretary.user = make.UserFactory(username="secretary")
    registers.scene.secretary.save()
    return signed_in(client, registers.scene.secretary.user)


def workbook_rows(response, sheet=None) -> list[tuple]:
    assert response.status_code == 200, response.content[:300]
    book = load_workbook(io.BytesIO(response.content))
    return list((book[sheet] if sheet else book.worksheets[0]).iter_rows(values_only=True))


def filters_of(response) -> dict:
    book = load_workbook(io.BytesIO(response.content))
    return dict(list(book["Filters"].iter_rows(values_only=True))[1:])


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.content[:300]
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    assert raw.startswith(b"\xef\xbb\xbf"), "a CSV without a byte-order mark shows £ as Â£ in Excel"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


# What each register's page lists, and the column of its file that names the same row.
def decisions_listed(context):
    return [d["reference"] for d in context["page"].object_list]  # the log reads its rows as values


def directory_listed(context):
    return [row["role"].title for row in context["directory"] for _ in (row["holders"] or [None])]


def delegations_listed(context):
    return [d.grantee_name for d in context["delegations"]]


def interests_listed(context):
    return [i.interest for i in context["interests"]]


def awards_listed(context):
    return [a.reference for a in context["page"].object_list]


def contracts_listed(context):
    return [c.title for c in context["contracts"]]


REGISTERS = [
    ("decisions", decisions_listed, "reference"),
    ("roles", directory_listed, "Role"),
    ("delegations", delegations_listed, "Held by"),
    ("interests", interests_listed, "Interest"),
    ("awards", awards_listed, "Reference"),
    ("contracts", contracts_listed, "Contract"),
]


@pytest.mark.parametrize(("register", "listed", "column"), REGISTERS)
def test_the_workbook_holds_the_rows_the_page_lists(viewer, register, listed, column):
    page = viewer.get(f"{BASE}/{register}/")
    expected = listed(page.context)
    assert expected, f"the {register} page lists nothing: the scene is wrong"
    rows = workbook_rows(viewer.get(f"{BASE}/{register}/download.xlsx"))
    index = rows[0].index(column)
    assert [row[index] or "" for row in rows[1:]] == [value or "" for value in expected]  # a draft has no reference


@pytest.mark.parametrize(("register", "listed", "column"), REGISTERS)
def test_the_csv_holds_the_same_rows_as_the_workbook(viewer, register, listed, column):
    rows = csv_rows(viewer.get(f"{BASE}/{register}/download.csv"))
    book = workbook_rows(viewer.get(f"{BASE}/{register}/download.xlsx"))
    assert rows[0] == list(book[0])
    index = rows[0].index(column)
    assert [r[index] for r in rows[1:]] == ["" if b[index] is None else str(b[index]) for b in book[1:]]


@pytest.mark.parametrize(("register", "listed", "column"), REGISTERS)
def test_the_page_links_to_its_downloads_with_its_filters(viewer, register, listed, column):
    html = viewer.get(f"{BASE}/{register}/", {"on": "2022-02-01"}).content.decode()
    assert f'href="{BASE}/{register}/download.csv?on=2022-02-01">CSV</a> · ' in html
    assert f'href="{BASE}/{register}/download.xlsx?on=2022-02-01">Excel</a>' in html


def test_the_decision_log_download_takes_the_pages_filters_and_says_which(viewer):
    query = {"status": "AGREED", "decided_after": "2021-04-01", "page": "1"}
    page = viewer.get(f"{BASE}/decisions/", query)
    response = viewer.get(f"{BASE}/decisions/download.xlsx", query)
    rows = workbook_rows(response)
    assert [r[0] for r in rows[1:]] == decisions_listed(page.context) == ["ALT-2021-002"]
    assert filters_of(response) == {"Status": "Agreed", "Decided from": "01/04/2021"}


def test_the_award_register_download_takes_the_pages_filters(viewer, registers):
    response = viewer.get(f"{BASE}/awards/download.xlsx", {"route": "DIRECT_AWARD"})
    rows = workbook_rows(response)
    assert [r[1] for r in rows[1:]] == ["Day services"]
    assert rows[1][rows[0].index("Awarded to")] == f"{registers.members[0].organisation.name} (direct award)"
    assert rows[1][rows[0].index("Estimated total value")] == 450000
    assert filters_of(response)["Route"] == "Direct award to a member"


def test_the_directory_download_is_as_of_the_pages_date(viewer):
    before = workbook_rows(viewer.get(f"{BASE}/roles/download.xlsx", {"on": "2021-06-01"}))
    after = viewer.get(f"{BASE}/roles/download.xlsx", {"on": "2022-06-01"})
    director = [r for r in workbook_rows(after) if r[0] == "Alliance director"]
    assert [r[4] for r in before if r[0] == "Alliance director"] == ["Vacant"]
    assert [(r[4], r[6].date()) for r in director] == [("Priya Raman", date(2022, 1, 1))]
    assert filters_of(after) == {"On": "01/06/2022"}


def test_money_and_dates_are_numbers_and_dates_in_the_workbook_and_pounds_read_back_from_the_csv(viewer):
    rows = workbook_rows(viewer.get(f"{BASE}/contracts/download.xlsx"))
    flats = next(r for r in rows if r[0] == "Supported flats")
    assert flats[3] == 1000000 and flats[4].date() == date(2021, 4, 1)
    text = csv_rows(viewer.get(f"{BASE}/decisions/download.csv"))
    assert "Set the 2021/22 alliance budget of £23.4m" in [r[2] for r in text]


def test_a_cell_that_would_be_a_formula_stays_text(viewer):
    response = viewer.get(f"{BASE}/decisions/download.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    cell = next(row[2] for row in sheet.iter_rows(min_row=2) if row[0].value == "ALT-2021-002")
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"
    text = csv_rows(viewer.get(f"{BASE}/decisions/download.csv"))
    assert '\'=HYPERLINK("http://evil.example")' in [r[2] for r in text]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_confidential_decision_is_only_in_the_file_of_who_may_read_it(registers, client, fmt):
    signed_in(client, viewer_of(registers.alliance))
    seen = str(csv_rows(client.get(f"{BASE}/decisions/download.csv"))) if fmt == "csv" else ""
    seen += str(workbook_rows(client.get(f"{BASE}/decisions/download.xlsx"))) if fmt == "xlsx" else ""
    assert "ALT-2021-001" in seen and "Confidential settlement" not in seen


def test_the_secretary_downloads_the_confidential_decision_and_the_read_is_logged(keeper):
    from alliance.models import ReadLogEntry

    rows = workbook_rows(keeper.get(f"{BASE}/decisions/download.xlsx"))
    assert "Confidential settlement" in [r[2] for r in rows]
    entry = ReadLogEntry.objects.get(kind=ReadLogEntry.Kind.EXPORT)
    assert entry.rows == 1 and "decision log" in entry.description


@pytest.mark.parametrize("register", ["decisions", "roles", "contracts"])
def test_another_alliances_records_never_appear(viewer, register):
    text = str(workbook_rows(viewer.get(f"{BASE}/{register}/download.xlsx")))
    assert "Elsewhere" not in text and "OTH-2021-001" not in text


def test_another_alliances_register_is_not_found(viewer):
    assert viewer.get("/alliances/elsewhere/decisions/download.xlsx").status_code == 404


def test_a_filter_that_cannot_be_used_refuses_the_download_in_the_forms_words(viewer):
    response = viewer.get(f"{BASE}/decisions/download.csv", {"decided_after": "last spring"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Decided from: Enter a valid date." in text and "decided_after" not in text


def test_a_date_that_cannot_be_read_refuses_the_download(viewer):
    response = viewer.get(f"{BASE}/roles/download.xlsx", {"on": "someday"})
    assert response.status_code == 400 and "'someday' is not a date" in response.content.decode()


def test_the_downloads_need_a_login(client, registers):
    response = client.get(f"{BASE}/interests/download.csv")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(("register", "most"), [("decisions", 12), ("awards", 10), ("delegations", 10)])
def test_the_query_count_does_not_grow_with_the_rows(viewer, registers, register, most, django_assert_max_num_queries):
    scene = registers.scene
    for n in range(30):
        agreed(scene.body, f"ALT-2022-{n:03}", f"Decision {n}", decided_on=date(2022, 1, 1))
        registers.process(title=f"Award {n}")
        make.DelegatedAuthorityFactory(
            role=make.RoleFactory(alliance=scene.alliance, title=f"Officer {n}"), body=scene.body
        )
    for fmt in ("csv", "xlsx"):
        with django_assert_max_num_queries(most):
            response = viewer.get(f"{BASE}/{register}/download.{fmt}")
            assert response.status_code == 200
            if response.streaming:
                b"".join(response.streaming_content)
