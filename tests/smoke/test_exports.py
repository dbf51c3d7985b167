"""Every export of the smoke scene parses with its own reader and has rows where the demo has data.

CSV with the csv module, iCalendar with ``icalendar``, OCDS against the OCDS 1.1 release package
schema (as tests/contracts/test_ocds.py validates it), Popolo and API lists as JSON. Each is read as a
standing that may read it; what they must not show is the walk's business (test_walk.py).
"""

import csv
import io
import json

import pytest
from django.db import transaction
from django.test import Client

from contracts.models import AwardProcess
from tests.contracts.test_ocds import OCDS_DIR, validate
from tests.smoke.scene import ANONYMOUS, MEMBER, OVERSIGHT, STAFF, VIEWER

pytestmark = [pytest.mark.django_db, pytest.mark.smoke]


def fetch(smoke, standing: str, url: str):
    client = Client()
    if smoke.users[standing] is not None:
        client.force_login(smoke.users[standing])
    with transaction.atomic():
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        transaction.set_rollback(True)
    assert response.status_code == 200, f"{url} as {standing}: {response.status_code} {body[:300]!r}"
    return response, body.decode()


def csv_rows(text: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows and rows[0], "no header"
    assert all(len(r) == len(rows[0]) for r in rows), "rows of another width than the header"
    return rows[1:]


def public_award(smoke) -> int:
    return AwardProcess.objects.filter(alliance__slug="dunmarrow", visibility="PUBLIC", stage="CONTRACTED").first().pk


# Every register's page downloads its rows (alliance/downloads.py).
REGISTERS = ["decisions", "roles", "delegations", "interests", "awards", "contracts"]
CSV_EXPORTS = [
    ("/api/v1/exports/decisions/?alliance=dunmarrow", VIEWER),
    ("/api/v1/exports/decisions/?alliance=dunmarrow", STAFF),
    ("/api/v1/audit/csv/?alliance=dunmarrow", OVERSIGHT),
    ("/api/v1/audit/csv/", STAFF),
    ("/alliances/dunmarrow/awards/{award}/audit.csv", MEMBER),
    ("/alliances/dunmarrow/measures/returns.csv", VIEWER),
    *[(f"/alliances/dunmarrow/{register}/download.csv", VIEWER) for register in REGISTERS],
]


@pytest.mark.parametrize(("url", "standing"), CSV_EXPORTS)
def test_csv_exports_parse_and_have_rows(smoke, url, standing):
    response, text = fetch(smoke, standing, url.format(award=public_award(smoke)))
    assert response["Content-Type"].startswith("text/csv")
    assert text.startswith("\ufeff"), "without a byte-order mark Excel shows £ as Â£"
    assert len(csv_rows(text)) > 0


EXCEL_EXPORTS = [
    ("/api/v1/audit/xlsx/?alliance=dunmarrow", OVERSIGHT),
    *[(f"/alliances/dunmarrow/{register}/download.xlsx", VIEWER) for register in REGISTERS],
]


@pytest.mark.parametrize(("url", "standing"), EXCEL_EXPORTS)
def test_excel_exports_open_and_have_rows_as_wide_as_the_header(smoke, url, standing):
    from openpyxl import load_workbook

    client = Client()
    client.force_login(smoke.users[standing])
    response = client.get(url)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[-1] == "Filters"
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows) > 1 and all(len(r) == len(rows[0]) for r in rows)


@pytest.mark.parametrize("query", ["", "?body=ALT"])
def test_calendar_parses_and_has_events(smoke, query):
    from icalendar import Calendar

    response, text = fetch(smoke, ANONYMOUS, f"/public/dunmarrow/calendar.ics{query}")
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(text)
    assert len(calendar.walk("VEVENT")) > 0


needs_schema = pytest.mark.skipif(
    not (OCDS_DIR / "release-package-schema.json").exists(), reason=f"the OCDS 1.1 schemas are not at {OCDS_DIR}"
)


@needs_schema
@pytest.mark.parametrize("standing", [ANONYMOUS, VIEWER, STAFF])
def test_ocds_package_validates_and_has_releases(smoke, standing):
    _, text = fetch(smoke, standing, "/api/v1/awards/ocds/?alliance=dunmarrow")
    package = json.loads(text)
    validate(package)
    assert len(package["releases"]) > 0


@needs_schema
@pytest.mark.parametrize("standing", [ANONYMOUS, STAFF])
def test_ocds_release_of_one_award_validates(smoke, standing):
    _, text = fetch(smoke, standing, f"/api/v1/awards/{public_award(smoke)}/ocds/")
    package = json.loads(text)
    validate(package)
    assert len(package["releases"]) == 1


@pytest.mark.parametrize("standing", [VIEWER, STAFF])
def test_popolo_parses_and_has_people_organisations_and_memberships(smoke, standing):
    _, text = fetch(smoke, standing, "/api/v1/exports/popolo/?alliance=dunmarrow")
    popolo = json.loads(text)
    for key in ("persons", "organizations", "memberships"):
        assert popolo.get(key), f"Popolo export has no {key}: {sorted(popolo)}"


@pytest.mark.parametrize(
    ("url", "standing"),
    [
        ("/api/v1/decisions/?alliance=dunmarrow", ANONYMOUS),
        ("/api/v1/decisions/?alliance=dunmarrow", VIEWER),
        ("/api/v1/votes/", ANONYMOUS),
        ("/api/v1/awards/", ANONYMOUS),
        ("/api/v1/memberships/?alliance=dunmarrow", VIEWER),
        ("/api/v1/audit/?alliance=dunmarrow", OVERSIGHT),
        ("/api/v1/directory/?alliance=dunmarrow", VIEWER),
    ],
)
def test_api_lists_are_json_with_rows(smoke, url, standing):
    _, text = fetch(smoke, standing, url)
    data = json.loads(text)
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    assert len(rows) > 0
