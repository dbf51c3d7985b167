"""Serializers of papers: a paper with its versions (output), and the shapes of an upload, a new
version and a withdrawal (input; alliance/documents.py decides every rule of the file)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliance.document_models import Document, DocumentVersion, document_owner_models
from api.serializers.fields import ModelSerializer, ReadableSlugRelatedField
from api.serializers.strict import InputSerializer


def owner_kind_choices():
    return [(m._meta.model_name, str(m._meta.verbose_name).capitalize()) for m in document_owner_models()]


class DocumentVersionSerializer(ModelSerializer):
    uploaded_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    download = serializers.SerializerMethodField(help_text="Where the file of this version is downloaded.")

    class Meta:
        model = DocumentVersion
        fields = [
            "number",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "uploaded_by",
            "note",
            "download",
        ]

    @extend_schema_field(serializers.URLField())
    def get_download(self, version) -> str:
        path = reverse("api-document-download", kwargs={"pk": version.document_id, "number": version.number})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class DocumentSerializer(ModelSerializer):
    alliance = ReadableSlugRelatedField(slug_field="slug", read_only=True)
    owner_kind = serializers.SerializerMethodField(help_text="The kind of record the paper is filed with.")
    owner = serializers.SerializerMethodField(help_text="The record the paper is filed with, as it is named.")
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    versions = DocumentVersionSerializer(many=True, read_only=True, help_text="Every version, newest first.")

    class Meta:
        model = Document
        fields = [
            "id",
            "alliance",
            "owner_kind",
            "owner_id",
            "owner",
            "title",
            "kind",
            "description",
            "created_at",
            "created_by",
            "withdrawn_at",
            "withdrawn_reason",
            "versions",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=owner_kind_choices()))
    def get_owner_kind(self, document) -> str:
        return document.owner_type.model

    def get_owner(self, document) -> str:
        # The paper is read only where its owner is (FollowsOwner), so naming it shows nothing more.
        return str(document.owner) if document.owner is not None else ""


class _Upload(serializers.FileField):
    default_error_messages = {
        "required": "Send the file as 'upload', in a multipart/form-data request.",
        "empty": "The file is empty: send the file again.",
        "invalid": "'upload' must be a file, sent in a multipart/form-data request.",
        "no_name": "The file has no name: send it with its name, which gives its type.",
        "max_length": "The file's name is {length} characters long; shorten it to at most {max_length}.",
    }


class DocumentCreateSerializer(InputSerializer):
    """A paper to file, as multipart/form-data: the record it is filed with, its title and kind, the file."""

    owner_kind = serializers.ChoiceField(choices=owner_kind_choices(), help_text="The kind of record to file it with.")
    owner_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="That record's id.")
    title = serializers.CharField(allow_blank=True, max_length=300)
    kind = serializers.ChoiceField(choices=Document.Kind.choices, default=Document.Kind.PAPER)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    upload = _Upload(max_length=255)


class DocumentVersionCreateSerializer(InputSerializer):
    """A new file of a paper, as multipart/form-data; the earlier versions are kept."""

    upload = _Upload(max_length=255)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class DocumentWithdrawSerializer(InputSerializer):
    reason = serializers.CharField(allow_blank=True, help_text="Why the paper is withdrawn; kept on the record.")
