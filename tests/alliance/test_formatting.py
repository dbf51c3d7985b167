"""One way to write dates, moments and money for people (alliance/formatting.py), in code and in
templates alike."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template

from alliance import formatting


def test_a_day_a_moment_and_an_amount_read_as_people_write_them():
    assert formatting.day(date(2023, 9, 21)) == "21/09/2023"
    assert formatting.day(None) == "open-ended"
    assert formatting.day(None, missing="") == ""
    # A moment is shown in the site's time zone (Europe/London: BST in September).
    assert formatting.day_time(datetime(2023, 9, 21, 15, 0, tzinfo=UTC)) == "21/09/2023 16:00"
    assert formatting.day(datetime(2023, 9, 21, 23, 30, tzinfo=UTC)) == "22/09/2023"
    # The audit trail tells apart changes made within one minute; a deadline reads as a sentence.
    assert formatting.day_time(datetime(2023, 9, 21, 15, 0, 5, tzinfo=UTC), seconds=True) == "21/09/2023 16:00:05"
    assert formatting.day_at_time(datetime(2023, 9, 21, 15, 0, tzinfo=UTC)) == "21/09/2023 at 16:00"
    assert formatting.money(Decimal("240000")) == "£240,000.00"
    assert formatting.money(Decimal("240000.4"), pence=False) == "£240,000"
    assert formatting.money(None) == "no financial limit"
    assert formatting.period(date(2023, 4, 1), None) == "from 01/04/2023"
    assert formatting.period(date(2023, 4, 1), date(2024, 3, 31)) == "01/04/2023 to 31/03/2024"


@pytest.mark.parametrize(
    ("source", "value", "shown"),
    [
        ("{{ v|day }}", date(2023, 9, 21), "21/09/2023"),
        ("{{ v|day_time }}", datetime(2023, 1, 5, 9, 30, tzinfo=UTC), "05/01/2023 09:30"),
        ("{{ v|money }}", Decimal("1234.5"), "£1,234.50"),
        ('{{ v|money:"pounds" }}', Decimal("1234.5"), "£1,234"),
        # Nothing for no value, or for one of another kind: never an error on a page.
        ("{{ v|day }}", None, ""),
        ("{{ v|day }}", "2023-09-21", ""),
        ("{{ v|day_time }}", date(2023, 9, 21), "21/09/2023"),
        ("{{ v|money }}", None, ""),
        ("{{ v|money }}", "not money", ""),
    ],
)
def test_the_template_filters_are_built_in_and_read_the_same(source, value, shown):
    assert Template(source).render(Context({"v": value})) == shown
