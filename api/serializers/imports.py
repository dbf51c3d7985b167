"""Serializers of imports (issue 22): the upload a dry run or an import reads, its preview, and the
provenance an import keeps."""

from rest_framework import serializers

from alliance.import_models import ImportRun
from alliance.models import Alliance
from api.serializers.fields import ModelSerializer, ReadableSlugRelatedField
from api.serializers.strict import InputSerializer


class ImportUploadSerializer(InputSerializer):
    """A filled-in template, as multipart/form-data: which alliance and register, the file, and whether only
    to try it (``dry_run``, the default: nothing is written) or to import it."""

    alliance = ReadableSlugRelatedField(slug_field="slug", queryset=Alliance.objects.all())
    kind = serializers.ChoiceField(choices=ImportRun.Kind.choices, help_text="The register the file fills.")
    file = serializers.FileField(max_length=255, help_text="The filled-in template: CSV or Excel (.xlsx).")
    dry_run = serializers.BooleanField(
        default=True, help_text="true (the default): show what would be created; false: import, all or nothing."
    )


class ImportRowSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row's number in the spreadsheet (the heading row is 1).")
    created = serializers.ListField(child=serializers.CharField(), help_text="What the row creates.")
    refusal = serializers.CharField(help_text="Why the row cannot be imported (empty: it can).")
    column = serializers.CharField(help_text="The heading of the column the refusal is about, if one is.")


class ImportPreviewSerializer(serializers.Serializer):
    kind = serializers.CharField()
    file_name = serializers.CharField()
    sha256 = serializers.CharField()
    size = serializers.IntegerField()
    rows = ImportRowSerializer(many=True)
    records = serializers.IntegerField(help_text="How many records the import creates.")
    refused = serializers.IntegerField(help_text="How many rows are refused.")


class ImportRunSerializer(ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    imported_by = serializers.SerializerMethodField(help_text="The username of who confirmed the import.")
    created = serializers.JSONField(read_only=True, help_text='What it created: [{"model", "id", "label", "url"}].')

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "alliance",
            "kind",
            "kind_label",
            "file_name",
            "sha256",
            "size",
            "imported_by",
            "imported_at",
            "rows",
            "records_created",
            "created",
        ]
        read_only_fields = fields

    def get_imported_by(self, run) -> str | None:
        return run.imported_by.get_username() if run.imported_by_id else None
