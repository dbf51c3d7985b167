"""The iCalendar writer (RFC 5545) every calendar feed of the product uses: a few string operations instead of
the ``icalendar`` library's component tree, which took some 90 % of a feed's time (issue 23).

It writes the bytes ``icalendar`` 7 wrote for the same values, so a calendar application sees no change:

- each content line ends with CRLF and is folded before it would pass 74 octets, the continuation starting with
  one space; a fold never splits a UTF-8 character, and a TEXT escape (the backslash or a ``^``) that would end a
  line moves to the next one with what it escapes;
- TEXT values (``text``) escape backslash, semicolon and comma, write every line break as ``\\n`` (``\\N`` too);
- a DATE is ``;VALUE=DATE:YYYYMMDD``; a DATE-TIME in UTC ends with ``Z``, one in another zone names it with
  ``;TZID=``, a floating one has neither; seconds are the finest part written; DTSTAMP is always UTC;
- a VEVENT's properties come in ``icalendar``'s order: SUMMARY, DTSTART, DTEND, DTSTAMP, UID, then the others
  alphabetically; a VCALENDAR's: VERSION, PRODID, X-WR-CALNAME.

No feed names a time zone other than UTC (rows come from the database in UTC), so none carries a VTIMEZONE.
tests/alliance/test_ical_writer.py holds this equal to ``icalendar`` byte for byte, value by value and through
the feeds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

CRLF = b"\r\n"
FOLD = b"\r\n "
LIMIT = 74  # octets on a line before it folds (the continuation's leading space makes 75)
_ESCAPES_KEPT_WHOLE = (0x5C, 0x5E)  # "\" and "^": never left at the end of a folded line
# Zones ``icalendar`` writes as UTC (``Z``): the ``datetime.UTC`` the database's rows carry, and the names of UTC.
_UTC_NAMES = frozenset(
    f"{prefix}{name}"
    for prefix in ("", "Etc/")
    for name in ("UTC", "UCT", "GMT", "GMT0", "GMT+0", "GMT-0", "Universal", "Zulu", "Greenwich")
)

# The properties a VEVENT writes first, in this order; any other follows alphabetically.
_EVENT_ORDER = ("SUMMARY", "DTSTART", "DTEND", "DTSTAMP", "UID")


def text(value: str) -> str:
    """A TEXT value (RFC 5545 3.3.11) as ``icalendar`` escapes it (the order of the replacements matters)."""
    return (
        value.replace("\\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def unknown(value: str) -> str:
    """A value of a property RFC 5545 does not define (``X-WR-CALNAME``): written as it is, as ``icalendar``
    does, except a line break, which would end the line (``icalendar`` refused it; a space here)."""
    if "\n" in value or "\r" in value:
        value = value.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    return value


def fold(line: bytes) -> bytes:
    """A content line folded as ``icalendar`` folds it: at most 74 octets a line, never inside a UTF-8
    character, and an escape character that would end a line carried to the next with what it escapes."""
    if len(line) <= LIMIT:
        return line
    parts = []
    start, size = 0, len(line)
    while size - start > LIMIT:
        end = start + LIMIT
        while line[end] & 0xC0 == 0x80:  # inside a multi-byte character: fold before it
            end -= 1
        if line[end - 1] in _ESCAPES_KEPT_WHOLE:
            end -= 1
        parts.append(line[start:end])
        start = end
    parts.append(line[start:])
    return FOLD.join(parts)


def date_value(day: date) -> str:
    return f"{day.year:04}{day.month:02}{day.day:02}"


def datetime_value(moment: datetime) -> str:
    """A DATE-TIME's digits (seconds at most), ``Z`` after them in UTC."""
    digits = f"{moment.year:04}{moment.month:02}{moment.day:02}T{moment.hour:02}{moment.minute:02}{moment.second:02}"
    return digits + "Z" if _is_utc(moment.tzinfo) else digits


def _is_utc(zone) -> bool:
    return zone is UTC or getattr(zone, "key", None) in _UTC_NAMES


def when(name: str, value: date) -> str:
    """A DTSTART/DTEND-like property: a DATE, or a DATE-TIME in UTC, in a named zone (``TZID``) or floating."""
    if not isinstance(value, datetime):
        return f"{name};VALUE=DATE:{date_value(value)}"
    zone = value.tzinfo
    if zone is None or _is_utc(zone):
        return f"{name}:{datetime_value(value)}"
    key = getattr(zone, "key", None)
    if key is None:  # a fixed offset names no zone a reader could look up (no feed has one): the moment in UTC
        return f"{name}:{datetime_value(value.astimezone(UTC))}"
    return f"{name};TZID={key}:{datetime_value(value)}"


def stamp(moment: datetime) -> str:
    """The DTSTAMP line: always in UTC (RFC 5545 3.8.7.2), as ``icalendar`` writes it."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    elif not _is_utc(moment.tzinfo):
        moment = moment.astimezone(UTC)
    return f"DTSTAMP:{datetime_value(moment)}"


def event(
    *,
    uid: str,
    dtstamp: str,
    start: date,
    end: date,
    summary: str,
    description: str | None = None,
    location: str | None = None,
    url: str | None = None,
) -> list[str]:
    """A VEVENT's content lines (unfolded). ``dtstamp`` is the line ``stamp`` wrote, shared by a feed's events;
    ``url`` a URI, written as it is. A property given None is left out."""
    lines = [
        "BEGIN:VEVENT",
        f"SUMMARY:{text(summary)}",
        when("DTSTART", start),
        when("DTEND", end),
        dtstamp,
        f"UID:{text(uid)}",
    ]
    if description is not None:
        lines.append(f"DESCRIPTION:{text(description)}")
    if location is not None:
        lines.append(f"LOCATION:{text(location)}")
    if url is not None:
        lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return lines


def calendar(*, prodid: str, name: str, events: Iterable[list[str]]) -> bytes:
    """The VCALENDAR with ``events`` (each from ``event``), as the bytes a feed answers."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{text(prodid)}", f"X-WR-CALNAME:{unknown(name)}"]
    for lines_of_event in events:
        lines.extend(lines_of_event)
    lines.append("END:VCALENDAR")
    return CRLF.join([fold(line.encode()) for line in lines]) + CRLF
