import csv
import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from alliance import services
from alliance.exports import csv_line, csv_lines, safe_cell

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["=SUM(A1)", "+44 1234", "-1", "@cmd", "\tx", "\rx"])
def test_formula_cells_are_escaped(value):
    assert safe_cell(value) == f"'{value}"


@pytest.mark.parametrize(("value", "expected"), [("Harbour Light", "Harbour Light"), (None, ""), (12, "12")])
def test_plain_cells_are_kept(value, expected):
    assert safe_cell(value) == expected


def test_csv_lines_is_a_generator_of_lines():
    lines = csv_lines(["a", "b"], iter([["1", "=2"]]))
    assert next(lines) == "a,b\r\n"
    assert next(lines) == "1,'=2\r\n"


def test_csv_lines_streams_whole_lines_in_blocks():
    rows = ([str(n), "x"] for n in range(5))
    blocks = list(csv_lines(["n", "x"], rows, block=2))
    assert blocks == ["n,x\r\n", "0,x\r\n1,x\r\n", "2,x\r\n3,x\r\n", "4,x\r\n"]


def test_csv_line_reads_back_as_the_escaped_cells_whatever_they_hold():
    # Commas, quotes, line breaks, formula starts, the separator the line is joined with, numbers and
    # None, in every mix: a CSV reader must read back exactly what safe_cell makes of each cell.
    alphabet = ["a", ",", '"', "\n", "\r", "=", "+", "-", "@", "\t", " ", "\x1f", "é", "1"]
    rng = random.Random(9)
    for _ in range(5000):
        cells = [
            rng.choice([None, 5, -3, "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))])
            for _ in range(rng.randint(1, 6))
        ]
        line = csv_line(cells)
        assert line.endswith("\r\n")
        assert next(csv.reader(StringIO(line, newline=""))) == [safe_cell(c) for c in cells], cells


def test_csv_line_writes_plain_lines_bare_and_quotes_every_cell_of_a_line_that_needs_it():
    assert csv_line(["a", 1, None]) == "a,1,\r\n"
    assert csv_line(["a, b", 'say "yes"', "=1"]) == '"a, b","say ""yes""","\'=1"\r\n'
    assert csv_line([""]) == '""\r\n'


@pytest.fixture
def alliance():
    alliance = services.save_alliance(name="Dunmarrow", slug="dunmarrow")
    services.save_organisation(name="=HYPERLINK(evil)", kind="provider")
    return alliance


def test_export_audit_command_writes_every_change(alliance, tmp_path):
    target = tmp_path / "audit.csv"
    call_command("export_audit", "-o", str(target), stderr=StringIO())
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert {r["model"] for r in rows} == {"alliance.alliance", "alliance.organisation"}
    assert {r["source"] for r in rows} == {"script"}
    assert any(r["object"] == "'=HYPERLINK(evil)" for r in rows)


def test_export_audit_command_for_one_alliance(alliance):
    out = StringIO()
    call_command("export_audit", "--alliance", "dunmarrow", stdout=out, stderr=StringIO())
    rows = list(csv.DictReader(StringIO(out.getvalue())))
    assert [r["model"] for r in rows] == ["alliance.alliance"]


def test_export_audit_unknown_alliance_says_so(alliance):
    with pytest.raises(CommandError, match="No alliance has the slug 'nowhere'"):
        call_command("export_audit", "--alliance", "nowhere", stdout=StringIO(), stderr=StringIO())


def test_audit_csv_endpoint_streams_with_filters(staff_api, alliance):
    response = staff_api.get("/api/v1/audit/csv/", {"model": "organisation"})
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.DictReader(StringIO(b"".join(response.streaming_content).decode())))
    assert [r["model"] for r in rows] == ["alliance.organisation"]
    assert rows[0]["object"] == "'=HYPERLINK(evil)"
