"""A template's columns: the heading a spreadsheet shows, what to write in it, and how a cell is read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import models

from decisions.imports.reading import as_date, normalise, text


@dataclass(frozen=True)
class Column:
    key: str  # the argument of the service the cell feeds (a refusal's ``field`` names it)
    heading: str
    help: str
    example: str
    required: bool = False
    read: Callable = text  # (cell) -> value; raises ValueError with a sentence

    @property
    def normalised(self) -> str:
        return normalise(self.heading)


def date_cell(cell):
    return as_date(cell)


def money_cell(cell) -> Decimal | None:
    raw = text(cell).replace("£", "").replace(",", "").strip()
    if not raw:
        return None
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise ValueError(f"'{text(cell)}' is not an amount of money; write it as 12500 or £12,500.00.") from None


def yes_no_cell(cell) -> bool:
    raw = text(cell).casefold()
    if raw in ("", "no", "n", "false", "0"):
        return False
    if raw in ("yes", "y", "true", "1"):
        return True
    raise ValueError(f"'{text(cell)}' is neither yes nor no.")


def choice_cell(choices: type[models.TextChoices], *, default: str = "", only=None) -> Callable:
    """A cell holding one of ``choices`` (or of the values ``only`` names), by its label ("Advisory
    (non-voting)") or its value ("ADVISORY"); a refusal lists just the choices the cell accepts."""
    pairs = [(v, label) for v, label in choices.choices if only is None or v in only]
    words = ", ".join(label for _, label in pairs)
    by_word = {normalise(v): v for v, _ in pairs} | {normalise(label): v for v, label in pairs}
    # The first word of a long label ("Advisory") is enough where it is unambiguous.
    firsts: dict[str, list] = {}
    for value, label in pairs:
        firsts.setdefault(normalise(label).split(" ")[0].strip("(),:"), []).append(value)
    by_word |= {word: values[0] for word, values in firsts.items() if len(values) == 1 and word not in by_word}

    def read(cell):
        raw = normalise(text(cell))
        if not raw:
            return default
        if raw in by_word:
            return by_word[raw]
        raise ValueError(f"'{text(cell)}' is not one of: {words}.")

    return read


def choices_cell(choices: type[models.TextChoices]) -> Callable:
    """A cell holding some of ``choices``, separated by commas or semicolons."""
    one = choice_cell(choices)

    def read(cell):
        words = [w for w in text(cell).replace(";", ",").split(",") if w.strip()]
        return [one(w) for w in words]

    return read


def tags_cell(cell) -> list[str]:
    return [t.strip() for t in text(cell).replace(";", ",").split(",") if t.strip()]
