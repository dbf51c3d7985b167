import csv
import os
import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from alliance import services
from alliance.exports import INCOMPLETE, csv_line, csv_lines, safe_cell

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
    rows = list(csv.DictReader(target.open(encoding="utf-8-sig")))
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
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert [r["model"] for r in rows] == ["alliance.organisation"]
    assert rows[0]["object"] == "'=HYPERLINK(evil)"


# An export that fails part-way never looks complete --------------------------------------------


def failing_rows(good: int):
    for n in range(good):
        yield [str(n), "fine"]
    raise RuntimeError("the database went away")


def read_until_failure(blocks) -> str:
    text = ""
    with pytest.raises(RuntimeError, match="the database went away"):
        for block in blocks:
            text += block.decode() if isinstance(block, bytes) else block
    return text


def test_csv_lines_that_fail_end_with_a_line_saying_the_file_is_incomplete():
    text = read_until_failure(csv_lines(["n", "x"], failing_rows(3), block=2))
    rows = list(csv.reader(StringIO(text, newline="")))
    assert rows == [["n", "x"], ["0", "fine"], ["1", "fine"], ["2", "fine"], [INCOMPLETE]]


def test_a_streamed_audit_csv_that_fails_says_so_and_breaks_off(staff_api, alliance, monkeypatch):
    monkeypatch.setattr("api.history.audit_rows", lambda links, **kw: failing_rows(2))
    response = staff_api.get("/api/v1/audit/csv/")
    assert response.status_code == 200 and response.streaming  # the headers went before the rows failed
    text = read_until_failure(response.streaming_content)  # raised to the server: it drops the connection
    assert text.endswith(csv_line([INCOMPLETE]))


def test_a_streamed_register_csv_that_fails_says_so_and_breaks_off(staff_api, alliance, monkeypatch):
    monkeypatch.setattr("api.views.exports.decision_rows", lambda decisions: failing_rows(2))
    response = staff_api.get("/api/v1/exports/decisions/", {"alliance": "dunmarrow"})
    assert response.status_code == 200 and response.streaming
    assert read_until_failure(response.streaming_content).endswith(csv_line([INCOMPLETE]))


COMMANDS = [
    ("export_audit", "alliance.management.commands.export_audit.audit_rows", []),
    ("export_decisions", "decisions.management.commands.export_decisions.decision_rows", ["dunmarrow"]),
]


@pytest.mark.parametrize(("command", "rows", "args"), COMMANDS)
def test_an_export_command_that_fails_leaves_the_file_as_it_was_and_exits_non_zero(
    alliance, tmp_path, monkeypatch, command, rows, args
):
    target = tmp_path / "export.csv"
    target.write_text("yesterday's export\n")
    monkeypatch.setattr(rows, lambda *a, **k: failing_rows(3))
    with pytest.raises(CommandError, match=r"The export failed after \d+ rows, so .*export.csv was not written"):
        call_command(command, *args, "-o", str(target), stdout=StringIO(), stderr=StringIO())
    assert target.read_text() == "yesterday's export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]  # no partial file left beside it


@pytest.mark.parametrize(("command", "rows", "args"), COMMANDS)
def test_an_export_command_that_fails_on_standard_output_ends_it_with_the_warning(
    alliance, monkeypatch, command, rows, args
):
    monkeypatch.setattr(rows, lambda *a, **k: failing_rows(3))
    out = StringIO()
    with pytest.raises(CommandError, match="the output is incomplete: the database went away"):
        call_command(command, *args, stdout=out, stderr=StringIO())
    assert out.getvalue().endswith(csv_line([INCOMPLETE]))


@pytest.mark.parametrize(("command", "args"), [("export_audit", []), ("export_decisions", ["dunmarrow"])])
def test_an_export_command_replaces_the_file_whole_with_the_usual_permissions(alliance, tmp_path, command, args):
    target = tmp_path / "export.csv"
    target.write_text("yesterday's export\n")
    call_command(command, *args, "-o", str(target), stdout=StringIO(), stderr=StringIO())
    # A CSV file opens in Excel as UTF-8 (£, →) only after a byte-order mark.
    assert target.read_text(encoding="utf-8").startswith(("\ufeffid,chain,", "\ufeffreference,"))
    assert [p.name for p in tmp_path.iterdir()] == ["export.csv"]
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_every_csv_the_project_writes_goes_through_the_one_writer():
    # csv_line escapes formula cells; a csv.writer elsewhere would not (the award audit.csv did not).
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    # Reading CSV (the import's csv.reader) is allowed; writing it is csv_line's alone.
    writer = re.compile(r"^\s*from csv import .*\b(writer|DictWriter)\b|csv\.(writer|DictWriter)\(", re.MULTILINE)
    writers = [
        str(path.relative_to(root))
        for app in ("alliance", "api", "contracts", "decisions", "roles")
        for path in (root / app).rglob("*.py")
        if writer.search(path.read_text(encoding="utf-8"))
    ]
    assert writers == []
