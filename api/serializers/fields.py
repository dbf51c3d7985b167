"""Relation fields that offer and accept only records the caller may read.

A related field's queryset is both its list of choices (the browsable API's HTML forms) and what
an id sent in a write is looked up in. Restricted by the models' one read rule
(``alliance/access.py``), a form lists nothing the caller may not read, and an id the caller cannot
read is refused exactly as one that does not exist: the message names no record.

Every serializer of the API uses these (``tests/api/test_readable_relations.py`` keeps it so);
``ModelSerializer`` here makes them the default for the fields a model serializer generates.
"""

from rest_framework import serializers

from alliance.access import restrict
from roles.access import request_access


class ReadableRelationMixin:
    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request") if hasattr(self, "context") else None
        # Serializers built by the API's views carry the request; one built without it (a service's
        # own shape check) reads as its caller, who has already been given the records it names.
        if request is None or queryset is None:
            return queryset
        return restrict(queryset, request_access(request))

    def fail(self, key, **kwargs):
        # One message for "there is none" and "you may not read it", in the record's own words.
        if key == "does_not_exist":
            raise serializers.ValidationError(self.not_found_message(**kwargs), code=key)
        super().fail(key, **kwargs)

    def record_name(self) -> str:
        queryset = self.get_queryset()
        return str(queryset.model._meta.verbose_name) if queryset is not None else "record"


class ReadablePrimaryKeyRelatedField(ReadableRelationMixin, serializers.PrimaryKeyRelatedField):
    def not_found_message(self, pk_value=None, **kwargs) -> str:
        return (
            f"No {self.record_name()} you may read has the id {pk_value}; check the id "
            "(the list of that record gives it), or ask the alliance's secretary for access."
        )


class ReadableSlugRelatedField(ReadableRelationMixin, serializers.SlugRelatedField):
    def not_found_message(self, slug_name=None, value=None, **kwargs) -> str:
        return (
            f"No {self.record_name()} you may read has the {slug_name} '{value}'; check it "
            "(the list of that record gives it), or ask the alliance's secretary for access."
        )


class ModelSerializer(serializers.ModelSerializer):
    serializer_related_field = ReadablePrimaryKeyRelatedField
