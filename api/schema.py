"""OpenAPI schema additions: the error answers every operation can give (DESIGN.md, API: a message a person can act on).

Views document their success answers; the refusals come from one exception handler
(``api.exceptions``) and have one shape, so they are added here to every operation rather than
repeated on each view. The API fuzz test checks every answer against the schema, errors included.
"""

ERROR_SCHEMA = {
    "type": "object",
    "description": "A refusal: what is wrong and what to do.",
    "properties": {
        "code": {"type": "string", "description": "A stable name for the refusal, e.g. `advisory_member_cannot_vote`."},
        "detail": {"type": "string", "description": "What is wrong and what to do, for a person to read."},
        "field": {"type": "string", "nullable": True, "description": "The input field at fault, if one is."},
        "errors": {
            "type": "object",
            "description": "Every field at fault, each with its messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["code", "detail"],
}

ERRORS = {
    "400": "The input is malformed or breaks a rule; `detail` says what to change.",
    "401": "A login or token is needed.",
    "403": "The caller's standing in this alliance does not allow it; `detail` names what is missing.",
    "404": "No such record, or none the caller may read.",
    "405": "The method is not allowed on this resource.",
    "406": "The response cannot be given in the format asked for.",
    "409": "The record's state forbids it (a closed decision, a later stage); `detail` says what to do instead.",
    "415": "The request body is in a format the API does not read; send JSON.",
    "429": "Too many requests; wait and try again.",
}
WRITE_ONLY = {"409", "415"}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: document the shared error answers on every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR_SCHEMA)
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in ERRORS.items():
                if code in WRITE_ONLY and method == "get":
                    continue
                operation["responses"].setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result
