"""Input serializers refuse what a write does not take (an error, never a field silently dropped).

A key the serializer does not know, or one it only shows (``read_only``), answers 400 naming the
key, instead of being dropped silently: a client that sends ``{"status": "AGREED"}`` learns that
the status changes through an action, not that its write "worked".
"""

from collections.abc import Mapping

from rest_framework import serializers

# Sent by the browsable API's forms with every write; never a field.
FORM_KEYS = frozenset({"csrfmiddlewaretoken"})


class StrictInputMixin:
    """Refuse unknown and read-only keys in a write, with a message naming them and the fields taken.

    ``read_only_hints`` maps a key that cannot be written here to the sentence that says how it
    changes instead (an action endpoint, a service that allocates it).
    """

    read_only_hints: dict[str, str] = {}

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = self._unexpected(data)
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def _unexpected(self, data: Mapping) -> dict:
        writable = [name for name, field in self.fields.items() if not field.read_only]
        taken = f"the fields are: {', '.join(writable)}" if writable else "this request takes no fields"
        errors = {}
        for key in data:
            if key in writable or key in FORM_KEYS:
                continue
            if key in self.read_only_hints:
                errors[key] = [self.read_only_hints[key]]
            elif key in self.fields:
                errors[key] = [f"'{key}' is read-only and cannot be set in a write; {taken}."]
            else:
                errors[key] = [f"Unknown field '{key}'; {taken}."]
        return errors


class InputSerializer(StrictInputMixin, serializers.Serializer):
    """The base of every input shape a service consumes."""
