"""The API's JSON parser: a write's body is a JSON object of named fields (issue "trust": bad input).

Every input serializer, and the access rules that read a field of the body before the view runs
(``api/access.py``), expect an object. A bare list, string, number, boolean or ``null`` is refused
here, in one place, with a 400 that says what the body must be, before anything reads it. A view
whose input is a list says so with ``json_body = list`` (the notification preferences).
"""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# What each shape is called, an example of it, and the code of the refusal.
SHAPES = {
    dict: ("a JSON object", '{"title": "Winter beds"}', "body_not_an_object"),
    list: ("a JSON list", '[{"kind": "decision_opened", "enabled": true, "mode": "daily"}]', "body_not_a_list"),
}


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "a list" if isinstance(value, list) else "an object"


class JSONObjectParser(JSONParser):
    """Parse JSON and refuse a top-level value that is not the shape the view takes (an object by default)."""

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        view = (parser_context or {}).get("view")
        shape = getattr(view, "json_body", dict)
        if not isinstance(data, shape):
            name, example, code = SHAPES[shape]
            raise ParseError(
                f"The request body must be {name} of the fields this request takes, such as {example}; "
                f"it was {_kind(data)}. See /api/docs/ for the fields of each request.",
                code=code,
            )
        return data
