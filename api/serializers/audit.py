"""The audit chain's signed checkpoints and the proofs against them (alliance/audit/proofs.py)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from alliance.audit.checkpoint import origin_of
from alliance.audit.proofs import b64


class CheckpointSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    origin = serializers.SerializerMethodField(help_text="The deployment and the chain the checkpoint is of.")
    size = serializers.IntegerField(help_text="How many links (changes) of the chain it vouches for, #1 to #size.")
    root_hash = serializers.SerializerMethodField(help_text="The Merkle root over those links, base64.")
    root_hash_hex = serializers.CharField(source="root_hash", help_text="The same root, hexadecimal.")
    taken_at = serializers.DateTimeField()
    key_name = serializers.CharField(help_text="The name of the key that signed it.")
    key_id = serializers.CharField(help_text="The signing key's id (hex), as in its verifier key.")
    note = serializers.CharField(help_text="The signed checkpoint, exactly as kept (a C2SP signed note).")
    download = serializers.SerializerMethodField(help_text="The signed checkpoint as a file.")

    def get_origin(self, obj) -> str:
        return origin_of(obj.chain)

    def get_root_hash(self, obj) -> str:
        return b64(bytes.fromhex(obj.root_hash))

    def get_download(self, obj) -> str:
        request = self.context.get("request")
        path = f"/alliances/{self.context['alliance'].slug}/audit/checkpoints/{obj.pk}.txt"
        return request.build_absolute_uri(path) if request is not None else path


class AllianceQuerySerializer(serializers.Serializer):
    alliance = serializers.SlugField(help_text="The alliance's slug.")


class ProofQuerySerializer(AllianceQuerySerializer):
    seq = serializers.IntegerField(min_value=1, help_text="The change's number in the alliance's audit trail.")
    size = serializers.IntegerField(
        min_value=1,
        required=False,
        help_text="The size of the kept checkpoint to prove against (the latest if left out).",
    )


class ConsistencyQuerySerializer(AllianceQuerySerializer):
    # "from" is a Python keyword: the fields are named in the query string by get_fields below.
    old = serializers.IntegerField(min_value=1, help_text="The earlier kept checkpoint's size.")
    new = serializers.IntegerField(min_value=1, help_text="The later kept checkpoint's size.")

    def get_fields(self):
        fields = super().get_fields()
        fields["from"] = fields.pop("old")
        fields["to"] = fields.pop("new")
        return fields


class InclusionProofSerializer(serializers.Serializer):
    seq = serializers.IntegerField(source="link.seq", help_text="The change's number in the chain.")
    leaf_index = serializers.IntegerField(help_text="Its leaf in the Merkle tree: seq - 1.")
    tree_size = serializers.IntegerField(source="checkpoint.size", help_text="The checkpoint's size.")
    link_hash = serializers.CharField(
        source="link.hash", help_text="The link's hash (hex): the leaf is SHA-256(0x00 || it)."
    )
    model = serializers.CharField(source="link.object_model")
    object_id = serializers.CharField(source="link.object_id")
    history_id = serializers.IntegerField(source="link.history_id")
    proof = serializers.SerializerMethodField(help_text="The audit path (RFC 6962), base64 hashes, leaf upwards.")
    checkpoint = serializers.SerializerMethodField()

    def get_proof(self, obj) -> list[str]:
        return [b64(h) for h in obj.proof]

    @extend_schema_field(CheckpointSerializer)
    def get_checkpoint(self, obj):
        return CheckpointSerializer(obj.checkpoint, context=self.context).data


class ConsistencyProofSerializer(serializers.Serializer):
    proof = serializers.SerializerMethodField(help_text="The consistency proof (RFC 6962), base64 hashes.")
    from_checkpoint = serializers.SerializerMethodField(help_text="The earlier kept checkpoint.")
    to_checkpoint = serializers.SerializerMethodField(help_text="The later kept checkpoint, which extends it.")

    def get_proof(self, obj) -> list[str]:
        return [b64(h) for h in obj.proof]

    @extend_schema_field(CheckpointSerializer)
    def get_from_checkpoint(self, obj):
        return CheckpointSerializer(obj.old, context=self.context).data

    @extend_schema_field(CheckpointSerializer)
    def get_to_checkpoint(self, obj):
        return CheckpointSerializer(obj.new, context=self.context).data
