"""The benchmark's slices of a request (benchmarks/breakdown.py): exclusive, and adding up to the whole."""

import time

import pytest

from benchmarks.breakdown import OUTSIDE, SLICES, Slices, largest, profile_of, slices_of


def test_a_nested_slice_is_taken_out_of_the_slice_around_it():
    slices = Slices()
    started = time.perf_counter()
    with slices.slice("outer"):
        time.sleep(0.02)
        with slices.slice("inner"):
            time.sleep(0.03)
            with slices.slice("outer"):  # the same slice again, deeper: counted once, as its own
                time.sleep(0.01)
    whole = time.perf_counter() - started

    assert slices.seconds["inner"] == pytest.approx(0.03, abs=0.01)
    assert slices.seconds["outer"] == pytest.approx(0.03, abs=0.01)
    assert sum(slices.seconds.values()) == pytest.approx(whole, abs=0.002)


def test_the_slices_are_those_of_the_median_run():
    calls = iter([0.0, 0.03, 0.001, 0.01])  # a warm-up, then a slow, a quick and a middling run

    found = slices_of(lambda: lambda: time.sleep(next(calls)), runs=3)

    assert found["ms"][OUTSIDE] == pytest.approx(10, abs=4)
    assert found["total_ms"] == found["ms"][OUTSIDE]


def test_a_wrapped_function_is_timed_and_answers_as_before():
    slices = Slices()
    double = slices.wrap("double", lambda n: n * 2)

    assert double(21) == 42
    assert slices.seconds["double"] > 0


@pytest.mark.django_db
def test_the_slices_of_an_api_read_name_where_its_time_goes(client, staff):
    def new_get():
        client.force_login(staff)
        return lambda: client.get("/api/v1/decisions/", HTTP_ACCEPT="application/json").content

    found = slices_of(new_get, runs=3)

    ms = found["ms"]
    assert list(ms) == list(SLICES) and found["runs"] == 3
    assert found["total_ms"] == pytest.approx(sum(ms.values()), abs=0.01)
    for name in (OUTSIDE, "DRF checks", "access", "query building", "database", "view code", "JSON writing"):
        assert ms[name] > 0, name
    assert ms["templates"] == 0  # JSON: no template rendered
    assert largest({"slices": found}, 2).count(",") == 1


@pytest.mark.django_db
def test_the_slices_of_a_page_count_its_templates(client, staff):
    def new_get():
        client.force_login(staff)
        return lambda: client.get("/alliances/").content

    assert slices_of(new_get, runs=1)["ms"]["templates"] > 0


def test_the_profile_names_the_functions_that_take_most_time():
    def work():
        sum(i * i for i in range(20000))

    top = profile_of(work, top=3)

    assert len(top) == 3
    assert top[0]["own_ms"] >= top[1]["own_ms"] >= top[2]["own_ms"]
    assert any("genexpr" in row["function"] for row in top)
