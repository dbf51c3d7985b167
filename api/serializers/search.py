from rest_framework import serializers

from alliance import search
from alliance.forms import SEARCH_MAX_LENGTH


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=SEARCH_MAX_LENGTH,
        help_text="The words to find: each must be in the record, in any form; a misspelt word finds the closest.",
        error_messages={
            "blank": "Say what to search for: a few words of a title, a tag, a name or a reference.",
            "required": "Say what to search for with ?q=: a few words of a title, a tag, a name or a reference.",
            "max_length": "The search is longer than {max_length} characters; shorten it to a few words.",
        },
    )
    alliance = serializers.SlugField(required=False, help_text="Only this alliance's records (its slug).")
    kind = serializers.ChoiceField(
        choices=(),
        required=False,
        help_text="Only this kind of record: decision, meeting, award or document.",
        error_messages={"invalid_choice": "'{input}' is not a kind of record the search finds."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = sorted(search.sources())


class SearchResultSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="decision, meeting, award or document")
    label = serializers.SerializerMethodField()
    id = serializers.IntegerField(source="object_id", help_text="The record's id in its own collection.")
    alliance = serializers.CharField(source="alliance.slug", help_text="The alliance's slug.")
    reference = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    dated = serializers.DateField(allow_null=True)
    url = serializers.SerializerMethodField(help_text="The record's page.")
    rank = serializers.FloatField(help_text="How well it matches: higher is better; results come best first.")

    def get_label(self, entry) -> str:
        return search.sources()[entry.kind].label

    def get_url(self, entry) -> str:
        return search.sources()[entry.kind].page_url(entry)
