import csv
from datetime import date
from io import StringIO

import pytest

from alliance.exports import FORMULA_STARTS
from contracts import services
from roles.standing import SYSTEM
from tests.factories import AgreementBudgetFactory, AgreementFactory, ContractFactory, DecisionFactory
from tests.helpers import viewer_of
from tests.scenes import SCORED

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(award):
    return viewer_of(award.alliance)


@pytest.fixture
def logged_in(client, viewer):
    client.force_login(viewer)
    return client


def contracted(s):
    process, _ = s.recommended()
    s.approve(process)
    services.transition(actor=SYSTEM, process=process, to_stage="APPROVED")
    return services.transition(
        actor=SYSTEM, process=process, to_stage="CONTRACTED", starts_on=date(2021, 7, 1), ends_on=date(2024, 6, 30)
    )


def test_pages_need_a_login(client, award):
    response = client.get("/alliances/dunmarrow/awards/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_award_register_lists_and_filters(logged_in, award):
    mini = award.process()
    direct = award.process(route="DIRECT_AWARD")
    page = logged_in.get("/alliances/dunmarrow/awards/").content.decode()
    assert mini.reference in page and direct.reference in page
    assert "£1,200,000.00" in page
    page = logged_in.get("/alliances/dunmarrow/awards/?route=DIRECT_AWARD").content.decode()
    assert direct.reference in page and mini.reference not in page


def test_award_register_search_finds_what_the_api_finds(logged_in, viewer_api, award):
    north = award.process(title="Street outreach north")
    day = award.process(title="Day services")
    page = logged_in.get("/alliances/dunmarrow/awards/", {"q": "north outreach"}).content.decode()
    assert north.reference in page and day.reference not in page
    found = viewer_api.get("/api/v1/awards/", {"q": "north outreach"}).json()["results"]
    assert [a["id"] for a in found] == [north.pk]


def test_bad_filter_is_shown_not_a_500(logged_in, award):
    award.process()
    response = logged_in.get("/alliances/dunmarrow/awards/?min_value=lots&started_after=soon")
    assert response.status_code == 400  # the page still shows, with the filters it could use
    assert "Some filters could not be used" in response.content.decode()


def test_over_long_search_of_the_register_is_a_400_saying_so(logged_in, award):
    award.process()
    response = logged_in.get("/alliances/dunmarrow/awards/", {"q": "x" * 201})
    assert response.status_code == 400
    assert "The search is 201 characters long; shorten it to at most 200 characters" in response.content.decode()
    assert logged_in.get("/alliances/dunmarrow/awards/", {"q": "x" * 200}).status_code == 200


def test_empty_register_says_how_to_start(logged_in, award):
    page = logged_in.get("/alliances/dunmarrow/awards/").content.decode()
    assert "No award process has been started" in page


def test_award_detail_reads_as_one_audit_trail_from_policy_to_contract(logged_in, award):
    process = contracted(award)
    page = logged_in.get(f"/alliances/dunmarrow/awards/{process.pk}/").content.decode()
    order = [
        "Award policy v1 in force",
        f"{process.reference} started",
        "Submission from Harbour Light Housing",
        "Independent Evaluator scored",
        "Harbour Light Housing recused",
        "Northgate Housing Association voted agree",
        "Agreed",
        "Contract: Flexible community outreach",
    ]
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)
    assert "Weighted total" in page


def test_correction_shows_old_and_new_values(logged_in, award):
    process = award.process()
    services.correct_process(actor=SYSTEM, process=process, reason="New estimate", estimated_total_value="1300000")
    page = logged_in.get(f"/alliances/dunmarrow/awards/{process.pk}/").content.decode()
    assert "<del>£1,200,000.00</del> → <ins>£1,300,000.00</ins>" in page


def test_unknown_award_is_not_found(logged_in, award):
    assert logged_in.get("/alliances/dunmarrow/awards/999999/").status_code == 404


def test_audit_trail_downloads_as_csv(logged_in, award):
    process = contracted(award)
    response = logged_in.get(f"/alliances/dunmarrow/awards/{process.pk}/audit.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert f"{process.reference}-audit-trail.csv" in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("when,step,what")
    assert any("Contract: Flexible community outreach" in line for line in lines)


def test_audit_trail_downloads_as_excel_with_the_csvs_rows(logged_in, award):
    from io import BytesIO

    from openpyxl import load_workbook

    process = contracted(award)
    page = logged_in.get(f"/alliances/dunmarrow/awards/{process.pk}/").content.decode()
    assert f'href="/alliances/dunmarrow/awards/{process.pk}/audit.xlsx"' in page
    response = logged_in.get(f"/alliances/dunmarrow/awards/{process.pk}/audit.xlsx")
    assert f"{process.reference}-audit-trail.xlsx" in response["Content-Disposition"]
    book = load_workbook(BytesIO(response.content))
    rows = [["" if v is None else str(v) for v in row] for row in book["Audit trail"].iter_rows(values_only=True)]
    text = logged_in.get(f"/alliances/dunmarrow/awards/{process.pk}/audit.csv").content.decode("utf-8-sig")
    assert rows == list(csv.reader(StringIO(text, newline="")))
    assert dict(list(book["Filters"].iter_rows(values_only=True))[1:]) == {"Award": str(process)}


def test_audit_trail_csv_escapes_formula_cells_from_title_justification_comment_and_reason(logged_in, award):
    process = award.process(
        title='=HYPERLINK("http://evil.example","Flexible outreach")',
        route_justification={"value for money": "+cmd|' /C calc'!A0"},
    )
    process = services.correct_process(
        actor=SYSTEM,
        process=process,
        reason="-2+3 corrected",
        title="@SUM(A1)",
        route_justification={"value for money": "=1+1"},
    )
    submission = award.bids(process, 2)[0]
    services.start_evaluation(process=process)
    services.record_score(actor=SYSTEM,
        submission=submission, criterion="Quality", evaluator=award.evaluator, score=7, scored_on=SCORED,
        comment='=HYPERLINK("http://evil.example")',
    )  # fmt: skip

    response = logged_in.get(f"/alliances/dunmarrow/awards/{process.pk}/audit.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(StringIO(response.content.decode("utf-8-sig"), newline="")))
    cells = [cell for row in rows for cell in row.values()]
    assert not [cell for cell in cells if cell[:1] in FORMULA_STARTS]  # every formula cell is escaped
    assert "Corrected: -2+3 corrected" in (r["reason"] for r in rows)
    assert '\'=HYPERLINK("http://evil.example")' in (r["detail"] for r in rows)
    started = next(
        r for r in rows if r["what"].endswith("started: " + '=HYPERLINK("http://evil.example","Flexible outreach")')
    )
    assert "Justification: value for money: +cmd|' /C calc'!A0." in started["detail"]  # mid-cell: no formula
    correction = next(r for r in rows if r["step"] == "correction")
    assert "title: " in correction["changes"] and "@SUM(A1)" in correction["changes"]


def test_contract_register_shows_scope_and_values(logged_in, award):
    ContractFactory(alliance=award.alliance, title="Care home placements", in_scope=False, annual_value=2500000)
    page = logged_in.get("/alliances/dunmarrow/contracts/?on=2022-01-01").content.decode()
    assert "Care home placements" in page
    assert "£2,500,000.00" in page
    assert "Retained by the commissioner" in page


def test_budget_page_shows_committed_against_budget_by_financial_year(logged_in, award):
    agreement = AgreementFactory(alliance=award.alliance)
    AgreementBudgetFactory(agreement=agreement, financial_year=2021, amount="24600000.00")
    ContractFactory(
        alliance=award.alliance, annual_value="1000000", starts_on=date(2021, 4, 1), ends_on=date(2022, 3, 31)
    )
    page = logged_in.get("/alliances/dunmarrow/budget/").content.decode()
    assert "2021/22" in page
    assert "£24,600,000.00" in page and "£1,000,000.00" in page and "£23,600,000.00" in page


def test_policy_versions_side_by_side_mark_what_changed(logged_in, award):
    decision = DecisionFactory(body=award.scene.body, kind="POLICY", status="AGREED", reference="ALT-2022-002")
    services.adopt_policy(
        alliance=award.alliance,
        adopted_by=decision,
        in_force_from=date(2022, 4, 1),
        approving_body=award.scene.body,
        rules=[{"route": "DIRECT_AWARD", "max_value": "750000", "justification_must_cover": ["value for money"]}],
    )
    page = logged_in.get("/alliances/dunmarrow/award-policy/?on=2022-05-01").content.decode()
    assert "Version 1" in page and "Version 2" in page
    assert "£500,000.00" in page and "£750,000.00" in page
    assert page.count("badge-changed") >= 3
    assert "In force on 1 May 2022: <strong>version 2</strong>" in page


def test_overview_links_to_the_award_pages(logged_in, award):
    page = logged_in.get("/alliances/dunmarrow/").content.decode()
    assert "/alliances/dunmarrow/awards/" in page and "/alliances/dunmarrow/budget/" in page


def test_award_register_query_count_is_fixed(logged_in, award, django_assert_max_num_queries):
    for _ in range(30):
        award.process()
    with django_assert_max_num_queries(16):
        response = logged_in.get("/alliances/dunmarrow/awards/")
    assert response.content.decode().count("AW-2021-") >= 25
