from datetime import date

import pytest

from alliance.access import Access
from decisions.models import ActionItem, Decision
from roles.queries import handover_pack
from tests.factories import (
    ActionItemFactory,
    DecisionFactory,
    DelegatedAuthorityFactory,
    RoleAssignmentFactory,
    RoleFactory,
)
from tests.helpers import viewer_of

pytestmark = pytest.mark.django_db
STAFF = Access(authenticated=True, staff=True)

DECISIONS = "Decisions that created or changed this role and its delegations"
ACTIONS = "Open action items owned by this role"


def _section(role, title, on=date(2022, 1, 1)):
    return next(s for s in handover_pack(role, on, STAFF)["sections"] if s["title"] == title)


def test_handover_pack_lists_decisions_that_shaped_the_role():
    role = RoleFactory(title="Alliance Director")
    body_decision = {"body__alliance": role.alliance, "status": Decision.Status.AGREED}
    DecisionFactory(
        title="Appoint the director",
        reference="ALT-2021-003",
        decided_on=date(2021, 2, 1),
        resulting_assignment=RoleAssignmentFactory(role=role),
        **body_decision,
    )
    DecisionFactory(title="Delegate operational matters", delegation_role=role, **body_decision)
    DecisionFactory(title="Renew the outreach lease", taken_under=DelegatedAuthorityFactory(role=role), **body_decision)
    DecisionFactory(title="Unrelated", **body_decision)
    texts = [item["text"] for item in _section(role, DECISIONS)["items"]]
    assert any(t.startswith("ALT-2021-003: Appoint the director (agreed)") for t in texts)
    assert any("Delegate operational matters" in t for t in texts)
    assert any("Renew the outreach lease" in t for t in texts)
    assert not any("Unrelated" in t for t in texts)


def test_handover_pack_lists_open_action_items_of_the_role():
    role = RoleFactory()
    decision = DecisionFactory(body__alliance=role.alliance, reference="ALT-2021-001")
    item = ActionItemFactory(decision=decision, owner_role=role, title="Publish the manual", due_on=date(2021, 6, 30))
    ActionItemFactory(decision=decision, owner_role=role, title="Done already", status=ActionItem.Status.DONE)
    items = _section(role, ACTIONS)["items"]
    assert [i["text"] for i in items] == ["Publish the manual: due 30/06/2021 (overdue), from ALT-2021-001"]
    assert items[0]["url"] == f"{decision.get_absolute_url()}#action-{item.pk}"


def test_handover_pack_sections_say_what_is_empty():
    role = RoleFactory()
    assert _section(role, DECISIONS)["empty"]
    assert _section(role, ACTIONS)["items"] == []


def test_handover_page_shows_the_decisions_sections(client):
    role = RoleFactory(title="Alliance Director", alliance__slug="dunmarrow")
    decision = DecisionFactory(
        body__alliance=role.alliance, title="Appoint the director", appointment_role=role, reference="ALT-2021-003"
    )
    ActionItemFactory(decision=decision, owner_role=role, title="Write the first annual report")
    client.force_login(viewer_of(role.alliance))
    content = client.get(f"/alliances/dunmarrow/roles/{role.pk}/handover/?on=2021-01-01").content.decode()
    assert DECISIONS in content
    assert "ALT-2021-003: Appoint the director" in content
    assert ACTIONS in content
    assert "Write the first annual report" in content


def test_handover_pack_lists_only_the_decisions_and_action_items_the_reader_may_read():
    role = RoleFactory(title="Alliance Director")
    on_body = {"body__alliance": role.alliance, "status": Decision.Status.AGREED}
    DecisionFactory(title="Appoint the director", delegation_role=role, visibility="MEMBERS", **on_body)
    secret = DecisionFactory(
        title="Settle the director's grievance", delegation_role=role, visibility="CONFIDENTIAL", **on_body
    )
    ActionItemFactory(decision=secret, owner_role=role, owner_person=None, title="Pay the settlement")
    viewer = Access(authenticated=True, members_of=frozenset({role.alliance_id}))
    sections = {s["title"]: s for s in handover_pack(role, date(2022, 1, 1), viewer)["sections"]}
    shown = str(sections[DECISIONS]["items"]) + str(sections[ACTIONS]["items"])
    assert "Appoint the director" in shown
    assert "grievance" not in shown and "settlement" not in shown
    oversight = Access(authenticated=True, members_of=viewer.members_of, oversight_of=viewer.members_of)
    sections = {s["title"]: s for s in handover_pack(role, date(2022, 1, 1), oversight)["sections"]}
    assert "Pay the settlement" in str(sections[ACTIONS]["items"])
