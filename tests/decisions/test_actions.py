from datetime import date

import pytest

from alliance.errors import RuleViolation
from decisions import services
from decisions.models import ActionItem, Decision
from decisions.queries_meetings import open_action_items_for_role, overdue_action_items
from tests.factories import ActionItemFactory, DecisionFactory, PersonFactory, RoleFactory
from tests.helpers import rows

pytestmark = pytest.mark.django_db


def refused(code, call):
    before = rows(ActionItem)
    with pytest.raises(RuleViolation) as info:
        call()
    assert info.value.code == code
    assert rows(ActionItem) == before
    return info.value


@pytest.fixture
def decision():
    return DecisionFactory(status=Decision.Status.AGREED, reference="ALT-2021-001", decided_on=date(2021, 3, 4))


def test_create_action_item_owned_by_a_person(decision):
    item = services.create_action_item(
        decision=decision, title="Publish the manual", due_on=date(2021, 4, 1), owner_person=PersonFactory()
    )
    assert item.status == ActionItem.Status.OPEN
    assert item.history.first().history_change_reason == "Action agreed"


def test_create_action_item_owned_by_a_role(decision):
    role = RoleFactory(alliance=decision.alliance)
    item = services.create_action_item(decision=decision, title="Report", due_on=date(2021, 4, 1), owner_role=role)
    assert item.owner_role == role


def test_action_item_needs_an_owner(decision):
    refused(
        "action_owner_required",
        lambda: services.create_action_item(decision=decision, title="Report", due_on=date(2021, 4, 1)),
    )


def test_action_item_role_of_another_alliance_is_refused(decision):
    refused(
        "action_role_elsewhere",
        lambda: services.create_action_item(
            decision=decision, title="Report", due_on=date(2021, 4, 1), owner_role=RoleFactory()
        ),
    )


def test_action_item_needs_a_title(decision):
    refused(
        "action_title_required",
        lambda: services.create_action_item(
            decision=decision, title=" ", due_on=date(2021, 4, 1), owner_person=PersonFactory()
        ),
    )


def test_action_item_cannot_fall_due_before_the_decision(decision):
    refused(
        "action_due_before_decision",
        lambda: services.create_action_item(
            decision=decision, title="Report", due_on=date(2021, 3, 3), owner_person=PersonFactory()
        ),
    )


@pytest.mark.parametrize("status", [Decision.Status.NOT_AGREED, Decision.Status.WITHDRAWN])
def test_no_action_items_on_a_decision_not_taken(status):
    decision = DecisionFactory(status=status)
    error = refused(
        "action_decision_not_taken",
        lambda: services.create_action_item(
            decision=decision, title="Report", due_on=date(2021, 4, 1), owner_person=PersonFactory()
        ),
    )
    assert error.conflict


def test_complete_action_item(decision):
    item = ActionItemFactory(decision=decision)
    item = services.complete_action_item(item=item, completed_on=date(2021, 5, 1))
    assert (item.status, item.completed_on) == (ActionItem.Status.DONE, date(2021, 5, 1))


def test_completed_item_cannot_be_completed_again(decision):
    item = ActionItemFactory(decision=decision, status=ActionItem.Status.DONE)
    error = refused("action_not_open", lambda: services.complete_action_item(item=item, completed_on=date(2021, 5, 1)))
    assert error.conflict


def test_item_cannot_be_done_before_its_decision(decision):
    item = ActionItemFactory(decision=decision)
    refused(
        "action_done_before_decision",
        lambda: services.complete_action_item(item=item, completed_on=date(2021, 1, 1)),
    )


def test_cancel_action_item_keeps_the_reason(decision):
    item = services.cancel_action_item(item=ActionItemFactory(decision=decision), reason="Overtaken by events")
    assert item.status == ActionItem.Status.CANCELLED
    assert "Overtaken by events" in item.notes
    assert item.history.first().history_change_reason == "Cancelled: Overtaken by events"


def test_cancel_needs_a_reason(decision):
    item = ActionItemFactory(decision=decision)
    refused("action_cancel_reason_required", lambda: services.cancel_action_item(item=item, reason=""))


def test_cancelled_item_cannot_be_cancelled_again(decision):
    item = ActionItemFactory(decision=decision, status=ActionItem.Status.CANCELLED)
    refused("action_not_open", lambda: services.cancel_action_item(item=item, reason="Again"))


def test_reassign_to_a_role_and_a_new_date(decision):
    role = RoleFactory(alliance=decision.alliance)
    item = services.reassign_action_item(
        item=ActionItemFactory(decision=decision), owner_role=role, due_on=date(2021, 9, 1), reason="Director left"
    )
    assert (item.owner_person, item.owner_role, item.due_on) == (None, role, date(2021, 9, 1))
    assert item.history.first().history_change_reason == "Reassigned: Director left"


def test_reassign_needs_an_owner(decision):
    item = ActionItemFactory(decision=decision)
    refused("action_owner_required", lambda: services.reassign_action_item(item=item))


def test_reassign_to_a_role_elsewhere_is_refused(decision):
    item = ActionItemFactory(decision=decision)
    refused("action_role_elsewhere", lambda: services.reassign_action_item(item=item, owner_role=RoleFactory()))


def test_done_item_cannot_be_reassigned(decision):
    item = ActionItemFactory(decision=decision, status=ActionItem.Status.DONE)
    refused("action_not_open", lambda: services.reassign_action_item(item=item, owner_person=PersonFactory()))


# Queries


def test_overdue_items_are_open_and_due_before_the_date(decision):
    overdue = ActionItemFactory(decision=decision, due_on=date(2021, 6, 1))
    ActionItemFactory(decision=decision, due_on=date(2021, 6, 2))  # due on the day: not yet overdue
    ActionItemFactory(decision=decision, due_on=date(2021, 5, 1), status=ActionItem.Status.DONE)
    ActionItemFactory(due_on=date(2021, 5, 1))  # another alliance
    assert list(overdue_action_items(decision.alliance, date(2021, 6, 2))) == [overdue]


def test_open_items_for_a_role(decision):
    role = RoleFactory(alliance=decision.alliance)
    mine = ActionItemFactory(decision=decision, owner_role=role)
    ActionItemFactory(decision=decision, owner_role=role, status=ActionItem.Status.DONE)
    ActionItemFactory(decision=decision)
    assert list(open_action_items_for_role(role)) == [mine]
