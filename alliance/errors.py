"""The project's own refusal: a rule said no, and the message says what to do instead."""

NOT_PERMITTED = "not_permitted"


class RuleViolation(Exception):
    """A domain rule refused an operation.

    ``code`` is a stable, machine-readable name for the rule ("membership_overlap");
    ``message`` is a sentence a person can act on; ``field`` names the input at fault, if one
    is. ``conflict`` marks refusals caused by the record's state rather than the input (a closed
    decision, a stage already passed): the API answers those with 409 instead of 400. The code
    ``not_permitted`` means the caller lacks the standing the operation needs (roles/standing.py):
    the API answers it with 403.
    """

    def __init__(self, code: str, message: str, *, field: str | None = None, conflict: bool = False):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.conflict = conflict

    @property
    def forbidden(self) -> bool:
        return self.code == NOT_PERMITTED

    def as_dict(self) -> dict:
        return {"code": self.code, "detail": self.message, "field": self.field}
