from datetime import date

import pytest

from decisions import services
from decisions.models import ActionItem, Decision
from decisions.queries_meetings import open_action_items_for_role, overdue_action_items
from roles.standing import SYSTEM
from tests.factories import (
    ActionItemFactory,
    DecisionFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
)
from tests.helpers import actor_for, refused_watching

pytestmark = pytest.mark.django_db

refused = refused_watching(ActionItem)


def holder(decision, **fields):
    """A person who holds a role in the decision's alliance."""
    person = PersonFactory(**fields)
    RoleAssignmentFactory(role=RoleFactory(alliance=decision.alliance), person=person)
    return person


def secretary_of(decision):
    person = PersonFactory(name="Morag Secretary")
    RoleAssignmentFactory(
        role=RoleFactory(alliance=decision.alliance, kind="secretary", body=decision.body), person=person
    )
    return person


@pytest.fixture
def decision():
    return DecisionFactory(status=Decision.Status.AGREED, reference="ALT-2021-001", decided_on=date(2021, 3, 4))


def test_create_action_item_owned_by_a_person(decision):
    item = services.create_action_item(
        actor=SYSTEM,
        decision=decision,
        title="Publish the manual",
        due_on=date(2021, 4, 1),
        owner_person=holder(decision),
    )
    assert item.status == ActionItem.Status.OPEN
    assert item.history.first().history_change_reason == "Action agreed"


def test_create_action_item_owned_by_a_role(decision):
    role = RoleFactory(alliance=decision.alliance)
    item = services.create_action_item(
        actor=SYSTEM, decision=decision, title="Report", due_on=date(2021, 4, 1), owner_role=role
    )
    assert item.owner_role == role


def test_action_item_needs_an_owner(decision):
    refused(
        "action_owner_required",
        lambda: services.create_action_item(actor=SYSTEM, decision=decision, title="Report", due_on=date(2021, 4, 1)),
    )


def test_action_item_role_of_another_alliance_is_refused(decision):
    refused(
        "action_role_elsewhere",
        lambda: services.create_action_item(
            actor=SYSTEM, decision=decision, title="Report", due_on=date(2021, 4, 1), owner_role=RoleFactory()
        ),
    )


def test_action_item_needs_a_title(decision):
    refused(
        "action_title_required",
        lambda: services.create_action_item(
            actor=SYSTEM, decision=decision, title=" ", due_on=date(2021, 4, 1), owner_person=holder(decision)
        ),
    )


def test_action_item_cannot_fall_due_before_the_decision(decision):
    refused(
        "action_due_before_decision",
        lambda: services.create_action_item(
            actor=SYSTEM, decision=decision, title="Report", due_on=date(2021, 3, 3), owner_person=holder(decision)
        ),
    )


@pytest.mark.parametrize("status", [Decision.Status.NOT_AGREED, Decision.Status.WITHDRAWN])
def test_no_action_items_on_a_decision_not_taken(status):
    decision = DecisionFactory(status=status)
    error = refused(
        "action_decision_not_taken",
        lambda: services.create_action_item(
            actor=SYSTEM, decision=decision, title="Report", due_on=date(2021, 4, 1), owner_person=holder(decision)
        ),
    )
    assert error.conflict


def test_complete_action_item(decision):
    item = ActionItemFactory(decision=decision)
    item = services.complete_action_item(actor=SYSTEM, item=item, completed_on=date(2021, 5, 1))
    assert (item.status, item.completed_on) == (ActionItem.Status.DONE, date(2021, 5, 1))


def test_completed_item_cannot_be_completed_again(decision):
    item = ActionItemFactory(decision=decision, status=ActionItem.Status.DONE)
    error = refused(
        "action_not_open", lambda: services.complete_action_item(actor=SYSTEM, item=item, completed_on=date(2021, 5, 1))
    )
    assert error.conflict


def test_item_cannot_be_done_before_its_decision(decision):
    item = ActionItemFactory(decision=decision)
    refused(
        "action_done_before_decision",
        lambda: services.complete_action_item(actor=SYSTEM, item=item, completed_on=date(2021, 1, 1)),
    )


def test_cancel_action_item_keeps_the_reason(decision):
    item = services.cancel_action_item(
        actor=SYSTEM, item=ActionItemFactory(decision=decision), reason="Overtaken by events"
    )
    assert item.status == ActionItem.Status.CANCELLED
    assert "Overtaken by events" in item.notes
    assert item.history.first().history_change_reason == "Cancelled: Overtaken by events"


def test_cancel_needs_a_reason(decision):
    item = ActionItemFactory(decision=decision)
    refused("action_cancel_reason_required", lambda: services.cancel_action_item(actor=SYSTEM, item=item, reason=""))


def test_cancelled_item_cannot_be_cancelled_again(decision):
    item = ActionItemFactory(decision=decision, status=ActionItem.Status.CANCELLED)
    refused("action_not_open", lambda: services.cancel_action_item(actor=SYSTEM, item=item, reason="Again"))


def test_reassign_to_a_role_and_a_new_date(decision):
    role = RoleFactory(alliance=decision.alliance)
    item = services.reassign_action_item(
        actor=SYSTEM,
        item=ActionItemFactory(decision=decision),
        owner_role=role,
        due_on=date(2021, 9, 1),
        reason="Director left",
    )
    assert (item.owner_person, item.owner_role, item.due_on) == (None, role, date(2021, 9, 1))
    assert item.history.first().history_change_reason == "Reassigned: Director left"


def test_reassign_needs_an_owner(decision):
    item = ActionItemFactory(decision=decision)
    refused("action_owner_required", lambda: services.reassign_action_item(actor=SYSTEM, item=item))


def test_reassign_to_a_role_elsewhere_is_refused(decision):
    item = ActionItemFactory(decision=decision)
    refused(
        "action_role_elsewhere",
        lambda: services.reassign_action_item(actor=SYSTEM, item=item, owner_role=RoleFactory()),
    )


def test_done_item_cannot_be_reassigned(decision):
    item = ActionItemFactory(decision=decision, status=ActionItem.Status.DONE)
    refused(
        "action_not_open", lambda: services.reassign_action_item(actor=SYSTEM, item=item, owner_person=holder(decision))
    )


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


# Who owns an item: a person who holds or held a role in the alliance, or a role of it


def test_a_person_who_held_a_role_in_the_alliance_may_own_an_item(decision):
    former = PersonFactory()
    RoleAssignmentFactory(
        role=RoleFactory(alliance=decision.alliance),
        person=former,
        starts_on=date(2019, 1, 1),
        ends_on=date(2020, 1, 1),
    )
    item = services.create_action_item(
        actor=SYSTEM, decision=decision, title="Hand over", due_on=date(2021, 4, 1), owner_person=former
    )
    assert item.owner_person == former


def test_a_person_of_another_alliance_cannot_own_an_item(decision):
    stranger = PersonFactory(name="Outsider Olwen")
    RoleAssignmentFactory(role=RoleFactory(), person=stranger)  # a role of another alliance only
    error = refused(
        "action_person_elsewhere",
        lambda: services.create_action_item(
            actor=SYSTEM, decision=decision, title="Report", due_on=date(2021, 4, 1), owner_person=stranger
        ),
    )
    assert error.field == "owner_person"
    assert "Olwen" not in error.message


def test_a_role_of_another_alliance_is_not_named(decision):
    role = RoleFactory(title="Director of Elsewhere")
    error = refused(
        "action_role_elsewhere",
        lambda: services.create_action_item(
            actor=SYSTEM, decision=decision, title="Report", due_on=date(2021, 4, 1), owner_role=role
        ),
    )
    assert error.message.startswith("That role was not found in this alliance")
    assert "Elsewhere" not in error.message


def test_reassigning_to_a_person_of_another_alliance_is_refused(decision):
    item = ActionItemFactory(decision=decision, owner_person=holder(decision))
    refused(
        "action_person_elsewhere",
        lambda: services.reassign_action_item(actor=SYSTEM, item=item, owner_person=PersonFactory()),
    )


# Standing: the body's secretary keeps the items; the owner marks theirs done


def test_the_secretary_creates_an_item(decision):
    item = services.create_action_item(
        actor=actor_for(secretary_of(decision)),
        decision=decision,
        title="Report",
        due_on=date(2021, 4, 1),
        owner_person=holder(decision),
    )
    assert item.pk


def test_someone_who_is_not_the_secretary_cannot_create_an_item(decision):
    member = holder(decision)
    error = refused(
        "not_permitted",
        lambda: services.create_action_item(
            actor=actor_for(member), decision=decision, title="Report", due_on=date(2021, 4, 1), owner_person=member
        ),
    )
    assert "secretary" in error.message


def test_the_owner_marks_their_item_done(decision):
    owner = holder(decision)
    item = ActionItemFactory(decision=decision, owner_person=owner)
    item = services.complete_action_item(actor=actor_for(owner), item=item, completed_on=date(2021, 5, 1))
    assert item.status == ActionItem.Status.DONE


def test_the_holder_of_the_owning_role_marks_the_item_done(decision):
    role = RoleFactory(alliance=decision.alliance)
    person = PersonFactory()
    RoleAssignmentFactory(role=role, person=person)
    item = ActionItemFactory(decision=decision, owner_person=None, owner_role=role)
    item = services.complete_action_item(actor=actor_for(person), item=item, completed_on=date(2021, 5, 1))
    assert item.status == ActionItem.Status.DONE


def test_someone_else_cannot_mark_an_item_done(decision):
    item = ActionItemFactory(decision=decision, owner_person=holder(decision))
    other = actor_for(holder(decision))
    refused(
        "not_permitted", lambda: services.complete_action_item(actor=other, item=item, completed_on=date(2021, 5, 1))
    )


@pytest.mark.parametrize("step", ["cancel", "reassign"])
def test_the_owner_cannot_cancel_or_reassign_their_item(decision, step):
    owner = holder(decision)
    item = ActionItemFactory(decision=decision, owner_person=owner)
    if step == "cancel":
        call = lambda: services.cancel_action_item(actor=actor_for(owner), item=item, reason="Not mine")  # noqa: E731
    else:
        call = lambda: services.reassign_action_item(actor=actor_for(owner), item=item, owner_person=holder(decision))  # noqa: E731
    refused("not_permitted", call)
