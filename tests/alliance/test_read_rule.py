"""The one read rule per model (alliance/access.py): every domain model has one, the filter and the
check of a loaded row agree on every row and every history row, and linked records follow the
record they link through."""

from datetime import UTC, datetime

import pytest
from django.apps import apps

from alliance.access import Access, can_read, restrict, rule_of
from alliance.models import AuditLink
from contracts.models import AwardPolicy, Contract, OversightNote
from decisions.models import Decision, Vote
from roles.standing import SYSTEM
from tests.factories import (
    AllianceFactory,
    AwardPolicyFactory,
    AwardProcessFactory,
    ContractFactory,
    DecisionFactory,
    GoverningBodyFactory,
    MembershipFactory,
    PersonFactory,
    StaffFactory,
    UserFactory,
)
from tests.helpers import built_once

pytestmark = pytest.mark.django_db
CAST = datetime(2021, 3, 4, 11, 0, tzinfo=UTC)

# Records that only staff administer: no reader but the admin lists them.
STAFF_ONLY = {
    "alliance.referencecounter",
    "alliance.auditchainhead",
    "alliance.sending",
    "alliance.notification",
    "alliance.notificationpreference",
    "alliance.homevisit",
    "roles.accessgrant",
    "roles.signinidentity",
    "alliance.searchterm",  # the search's vocabulary, read by no reader (alliance.search corrects typos with it)
}
DOMAIN_APPS = ("alliance", "roles", "decisions", "contracts")


def domain_models():
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label not in DOMAIN_APPS or label in STAFF_ONLY:
            continue
        if not label.split(".")[1].startswith("historical") and getattr(model, "instance_type", None) is None:
            yield model


def test_every_domain_model_declares_its_read_rule():
    missing = [m._meta.label_lower for m in domain_models() if rule_of(m) is None]
    assert missing == []


def test_a_model_without_a_rule_is_for_staff_only():
    from alliance.models import AuditChainHead

    AuditChainHead.objects.get_or_create(chain="alliance:999")
    assert not restrict(AuditChainHead.objects.all(), Access(authenticated=True, members_of=frozenset({999}))).exists()
    assert restrict(AuditChainHead.objects.all(), Access(authenticated=True, staff=True)).exists()


def build_scene():
    """Two alliances; in the first, a record of every visibility, drafts, linked records and a note."""
    first = AllianceFactory(publish_register=True)
    other = AllianceFactory(publish_register=False)
    body = GoverningBodyFactory(alliance=first)
    member = MembershipFactory(alliance=first)
    decisions = {
        (visibility, status): DecisionFactory(body=body, visibility=visibility, status=status)
        for visibility in ("PUBLIC", "MEMBERS", "CONFIDENTIAL")
        for status in ("DRAFT", "OPEN")
    }
    votes = [
        Vote.objects.create(decision=d, membership=member, position="AGREE", cast_by=PersonFactory(), cast_at=CAST)
        for d in decisions.values()
        if d.status == "OPEN"
    ]
    secret_award = AwardProcessFactory(
        policy=AwardPolicyFactory(alliance=first), visibility="CONFIDENTIAL", stage="SUBMISSIONS"
    )
    secret_policy = AwardPolicyFactory(
        alliance=first, adopted_by=decisions[("CONFIDENTIAL", "OPEN")], approving_body=body
    )
    contract = ContractFactory(alliance=first, awarded_through=secret_award)
    plain_contract = ContractFactory(alliance=first)
    note = OversightNote.objects.create(
        alliance=first, author=StaffFactory(), text="Watch the scoring.", created_at=CAST, updated_at=CAST
    )
    other_decision = DecisionFactory(body=GoverningBodyFactory(alliance=other), visibility="PUBLIC", status="OPEN")
    return {
        "first": first,
        "other": other,
        "body": body,
        "decisions": decisions,
        "secret_award": secret_award,
        "secret_policy": secret_policy,
        "contract": contract,
        "plain_contract": plain_contract,
        "note": note,
        "other_decision": other_decision,
        "votes": votes,
    }


@pytest.fixture
def scene():
    return build_scene()


def standings(scene):
    first, public = scene["first"].pk, frozenset({scene["first"].pk})
    body = scene["body"].pk
    return {
        "anonymous": Access(public_alliances=public),
        "viewer": Access(authenticated=True, members_of=frozenset({first}), public_alliances=public),
        "secretary": Access(
            authenticated=True,
            members_of=frozenset({first}),
            secretaryships=frozenset({(first, body)}),
            public_alliances=public,
        ),
        "oversight": Access(
            authenticated=True, members_of=frozenset({first}), oversight_of=frozenset({first}), public_alliances=public
        ),
        "outsider": Access(authenticated=True, members_of=frozenset({scene["other"].pk}), public_alliances=public),
        "staff": Access(authenticated=True, staff=True, public_alliances=public),
    }


class TestOnTheSharedScene:
    """Reads only: the scene is built once for the class."""

    scene = built_once(build_scene)

    def test_the_filter_and_the_check_of_a_loaded_row_agree_on_every_row(self, scene):
        disagreements = []
        for name, access in standings(scene).items():
            for model in domain_models():
                tracked = hasattr(model, "history")
                for queryset in (model._default_manager.all(), *([model.history.all()] if tracked else [])):
                    readable = set(restrict(queryset, access).values_list("pk", flat=True))
                    for row in queryset:
                        if can_read(access, row) != (row.pk in readable):
                            disagreements.append((name, queryset.model._meta.label_lower, row.pk))
        assert disagreements == []

    @pytest.mark.parametrize(
        "standing, readable",
        [
            ("anonymous", {("PUBLIC", "OPEN")}),
            ("viewer", {("PUBLIC", "OPEN"), ("PUBLIC", "DRAFT"), ("MEMBERS", "OPEN"), ("MEMBERS", "DRAFT")}),
            ("secretary", "all"),
            ("oversight", "all"),
            ("outsider", {("PUBLIC", "OPEN")}),
            ("staff", "all"),
        ],
    )
    def test_decisions_by_visibility_and_standing(self, scene, standing, readable):
        access = standings(scene)[standing]
        mine = scene["decisions"]
        expected = set(mine) if readable == "all" else readable
        seen = {key for key, d in mine.items() if restrict(Decision.objects.filter(pk=d.pk), access).exists()}
        assert seen == expected

    def test_another_alliances_decisions_are_read_only_as_its_public_register_allows(self, scene):
        access = standings(scene)["viewer"]
        assert not restrict(Decision.objects.filter(pk=scene["other_decision"].pk), access).exists()
        assert not can_read(access, scene["other_decision"])

    def test_a_contract_awarded_through_a_confidential_award_is_as_confidential(self, scene):
        viewer, oversight = standings(scene)["viewer"], standings(scene)["oversight"]
        assert set(Contract.objects.restrict(viewer)) == {scene["plain_contract"]}
        assert set(Contract.objects.restrict(oversight)) == {scene["plain_contract"], scene["contract"]}
        assert not viewer.can_read(scene["contract"])

    def test_a_policy_adopted_by_a_confidential_decision_is_as_confidential(self, scene):
        viewer, secretary = standings(scene)["viewer"], standings(scene)["secretary"]
        assert scene["secret_policy"] not in AwardPolicy.objects.restrict(viewer)
        assert scene["secret_policy"] in AwardPolicy.objects.restrict(secretary)

    def test_oversight_notes_and_their_audit_links_are_for_oversight_and_staff(self, scene):
        note, label = scene["note"], "contracts.oversightnote"
        for name, access in standings(scene).items():
            sees_note = OversightNote.objects.restrict(access).filter(pk=note.pk).exists()
            sees_link = AuditLink.objects.restrict(access).filter(object_model=label, object_id=str(note.pk)).exists()
            assert (sees_note, sees_link) == ((True, True) if name in ("oversight", "staff") else (False, False)), name
        # The secretary still reads the rest of the alliance's chain.
        assert AuditLink.objects.restrict(standings(scene)["secretary"]).exclude(object_model=label).exists()


def test_the_trail_of_a_forward_plan_entry_follows_the_entry_and_staff_records_reach_only_oversight(scene):
    """The plan's keepers (staff, the alliance's secretaries) and its oversight read unpublished entries."""
    from alliance import forward_plan
    from alliance.models import NotificationPreference
    from roles.models import AccessGrant

    def entry(title, published):
        return forward_plan.save_entry(actor=SYSTEM,
            alliance=scene["first"], title=title, kind="KEY", expected_on=CAST.date(), contact_name="Ann Secretary",
            contact_email="ann@example.org", published=published,
        )  # fmt: skip

    hidden, shown = entry("Not yet announced", False), entry("Announced", True)
    label = "alliance.forwardplanentry"
    secretary, staff, viewer = standings(scene)["secretary"], standings(scene)["staff"], standings(scene)["viewer"]
    links = AuditLink.objects.filter(object_model=label)
    for reader in (staff, secretary, standings(scene)["oversight"]):  # oversight reads everything of its alliance
        assert set(links.restrict(reader).values_list("object_id", flat=True)) == {str(hidden.pk), str(shown.pk)}
    # The public reads only the published entry; a member without a keeper's standing does not read the other.
    assert list(forward_plan.published_plan(scene["first"], standings(scene)["anonymous"])) == [shown]
    assert not can_read(viewer, hidden) and can_read(staff, hidden) and can_read(secretary, hidden)
    assert can_read(standings(scene)["oversight"], hidden)
    # Models with no read rule: none of their links reaches a reader who is not staff or the oversight.
    AccessGrant.objects.create(
        user=UserFactory(), alliance=scene["first"], standing=AccessGrant.Standing.VIEWER, starts_on=CAST.date()
    )
    staff_only = {m._meta.label_lower for m in (NotificationPreference, AccessGrant)}
    assert AuditLink.objects.filter(object_model="roles.accessgrant", chain=f"alliance:{scene['first'].pk}").exists()
    for name, access in standings(scene).items():
        seen = set(AuditLink.objects.restrict(access).values_list("object_model", flat=True))
        assert bool(seen & staff_only) == (name in ("staff", "oversight")), name


def test_an_older_more_restricted_version_stays_hidden_from_a_reader_of_the_wider_one(scene):
    from alliance.history import as_of, versions

    decision = scene["decisions"][("CONFIDENTIAL", "OPEN")]
    decision.title = "Closing the night shelter early"
    decision.save()
    decision.visibility, decision.title = "MEMBERS", "Night shelter hours"
    decision.save()
    viewer = standings(scene)["viewer"]
    shown = versions(decision, viewer)
    assert len(shown) == 1
    assert "Closing the night shelter early" not in str(shown)
    assert as_of(Decision, decision.pk, decision.history.earliest("history_date").history_date, viewer) is None
    assert len(versions(decision, standings(scene)["oversight"])) == 3
