"""The decision register CSV reads its two moments as UTC text written by the database (on PostgreSQL since
issue 23; on SQLite as stored): the bytes must stay those of the ORM's own aware datetimes, ``isoformat()`` in
UTC, whatever the microseconds (none, trailing zeros, one) and on either side of a clock change."""

from codecs import BOM_UTF8
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance.exports import csv_lines
from decisions.exports import DECISION_HEADER, decision_rows, register_queryset
from decisions.models import Decision
from tests.api.lean_support import GENERATED, callers
from tests.factories import DecisionFactory, GoverningBodyFactory
from tests.scenes import make_scene

pytestmark = pytest.mark.django_db

moments = st.one_of(
    st.none(),
    st.sampled_from(
        [
            datetime(2021, 3, 28, 0, 59, 59, 999999, tzinfo=UTC),  # the last moment of GMT
            datetime(2021, 3, 28, 1, 0, tzinfo=UTC),  # BST begins
            datetime(2021, 10, 31, 0, 30, 0, 120000, tzinfo=UTC),  # trailing zeros in the fraction
            datetime(2021, 10, 31, 1, 30, 0, 1, tzinfo=UTC),  # one microsecond
            datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC),
        ]
    ),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2090, 1, 1)).map(lambda d: d.replace(tzinfo=UTC)),
)


def _stamp(value) -> str:
    return value.astimezone(UTC).isoformat() if value else ""


def _expected(decisions) -> bytes:
    """The register as the ORM's instances give its moments; every other cell as ``decision_rows`` writes it."""
    instances = list(decisions)
    rows = []
    for decision, row in zip(instances, decision_rows(decisions), strict=True):
        row[7], row[8] = _stamp(decision.opened_at), _stamp(decision.closed_at)
        rows.append(row)
    return b"".join(line.encode() if isinstance(line, str) else line for line in csv_lines(DECISION_HEADER, rows))


@pytest.fixture
def world():
    scene = make_scene()
    return scene, callers(scene)


@GENERATED
@given(stamps=st.lists(st.tuples(moments, moments), min_size=1, max_size=6))
def test_the_register_csv_writes_the_moments_the_orm_reads(world, stamps):
    scene, clients = world
    body = GoverningBodyFactory()  # a new alliance each example: its register holds this example's rows only
    for opened_at, closed_at in stamps:
        DecisionFactory(body=body, status=Decision.Status.AGREED, opened_at=opened_at, closed_at=closed_at)
    response = clients["staff"].get(f"/api/v1/exports/decisions/?alliance={body.alliance.slug}")
    assert response.status_code == 200
    body_bytes = b"".join(response.streaming_content).removeprefix(BOM_UTF8)  # the download's mark for spreadsheets
    assert body_bytes == _expected(register_queryset(body.alliance))
    assert body_bytes.count(b"\n") == len(stamps) + 1


def test_every_standing_reads_lines_the_orm_would_write(world):
    scene, clients = world
    moment = datetime(2021, 6, 1, 9, 0, 0, 500000, tzinfo=UTC)
    for i, visibility in enumerate(["PUBLIC", "MEMBERS", "CONFIDENTIAL"]):
        DecisionFactory(
            body=scene.body,
            status=Decision.Status.AGREED,
            visibility=visibility,
            opened_at=moment + timedelta(hours=i),
            closed_at=moment,
        )
    every = set(_expected(register_queryset(scene.alliance)).splitlines())
    served = {}
    for name, client in clients.items():
        response = client.get("/api/v1/exports/decisions/?alliance=dunmarrow")
        assert response.status_code == 200, name
        lines = b"".join(response.streaming_content).removeprefix(BOM_UTF8).splitlines()
        assert set(lines) <= every, name  # each line the one the ORM's values give
        served[name] = len(lines) - 1
    assert served["staff"] == 3 and served["two alliances"] == 2  # a viewer reads no confidential decision
