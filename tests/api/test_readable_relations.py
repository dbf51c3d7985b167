"""The browsable API's forms and filters offer only records the caller may read (api/serializers/fields.py,
alliance/filtersets.py and the filter backend in api/filters.py), and an id the caller cannot read
is refused as one that does not exist."""

import inspect

import pytest
from rest_framework import relations, serializers

import api.serializers.alliance
import api.serializers.contracts
import api.serializers.decisions
import api.serializers.documents
import api.serializers.meetings
import api.serializers.notifications
import api.serializers.roles
from api.serializers.fields import ReadableRelationMixin
from tests.conftest import token_client
from tests.factories import (
    AllianceFactory,
    DecisionFactory,
    GoverningBodyFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
    UserFactory,
)

MODULES = [
    api.serializers.alliance,
    api.serializers.contracts,
    api.serializers.decisions,
    api.serializers.documents,
    api.serializers.meetings,
    api.serializers.notifications,
    api.serializers.roles,
]


def _relations(serializer, path=""):
    for name, field in serializer.fields.items():
        if isinstance(field, relations.ManyRelatedField):
            field = field.child_relation
        if isinstance(field, serializers.BaseSerializer):
            child = getattr(field, "child", field)
            yield from _relations(child, f"{path}{name}.")
        elif isinstance(field, relations.RelatedField) and not field.read_only:
            yield f"{path}{name}", field


def test_every_writable_relation_of_every_serializer_reads_through_the_read_rule():
    plain = []
    for module in MODULES:
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, serializers.BaseSerializer) or cls.__module__ != module.__name__:
                continue
            if issubclass(cls, serializers.ListSerializer):
                continue
            for name, field in _relations(cls()):
                if not isinstance(field, ReadableRelationMixin):
                    plain.append(f"{cls_name}.{name}")
    assert plain == []


@pytest.fixture
def two_alliances(db):
    """A viewer of the first alliance; the second keeps a confidential decision and a draft."""
    first, second = AllianceFactory(publish_register=True), AllianceFactory(publish_register=False)
    body = GoverningBodyFactory(alliance=first)
    DecisionFactory(body=body, title="Night hub pilot review", visibility="MEMBERS", status="OPEN")
    DecisionFactory(body=body, title="CANARY-own-confidential", visibility="CONFIDENTIAL", status="OPEN")
    other = GoverningBodyFactory(alliance=second, code="KLT")
    DecisionFactory(body=other, title="CANARY-other-confidential", visibility="CONFIDENTIAL", status="OPEN")
    DecisionFactory(body=other, title="CANARY-other-draft", visibility="PUBLIC", status="DRAFT")
    viewer = UserFactory(username="viewer-one")
    RoleAssignmentFactory(role=RoleFactory(alliance=first), person=PersonFactory(name="Ann Viewer", user=viewer))
    return viewer


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/api/v1/votes/?format=api", "/api/v1/decisions/?format=api", "/api/v1/action-items/?format=api"]
)
def test_the_browsable_api_forms_list_only_readable_records(two_alliances, url, client):
    client.force_login(two_alliances)
    response = client.get(url)
    assert response.status_code == 200
    # The forms render their choices of decisions: the readable one is offered, no other.
    assert "Night hub pilot review" in response.content.decode()
    assert "CANARY" not in response.content.decode()


@pytest.mark.django_db
def test_anonymous_browsable_api_shows_nothing_beyond_the_public_register(two_alliances, client):
    for url in ("/api/v1/votes/?format=api", "/api/v1/decisions/?format=api", "/api/v1/alliances/?format=api"):
        response = client.get(url)
        assert response.status_code < 500
        body = response.content.decode()
        assert "CANARY" not in body
        assert "Night hub pilot review" not in body  # MEMBERS: not for the public


@pytest.mark.django_db
def test_a_filter_naming_an_unreadable_record_is_refused_as_an_unknown_one(two_alliances):
    from decisions.models import Decision

    hidden = Decision.objects.get(title="CANARY-other-confidential")
    api = token_client(two_alliances)
    unknown = api.get("/api/v1/votes/", {"decision": 10**9})
    unreadable = api.get("/api/v1/votes/", {"decision": hidden.pk})
    assert unknown.status_code == unreadable.status_code == 400
    assert "CANARY" not in unreadable.content.decode()
    assert unknown.json()["detail"] == unreadable.json()["detail"].replace(str(hidden.pk), str(10**9))
