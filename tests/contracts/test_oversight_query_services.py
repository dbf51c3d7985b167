"""Oversight's formal queries: raised by oversight to another body of the alliance, answered by that
body's secretary or chair, withdrawn by oversight; closed once answered or withdrawn. Every refusal
leaves no row and no history row."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from alliance.models import ReferenceCounter
from contracts import services
from contracts.query_models import OversightQuery
from roles.standing import SYSTEM
from tests.contracts.query_scene import make_query_scene, oversight_user
from tests.factories import (
    AllianceFactory,
    ContractFactory,
    DecisionFactory,
    GoverningBodyFactory,
    WorkstreamFactory,
)
from tests.helpers import actor_for, refused_watching

pytestmark = pytest.mark.django_db

refused = refused_watching(OversightQuery, ReferenceCounter)
TODAY = date(2024, 3, 4)


@pytest.fixture
def qs(scene):
    return make_query_scene(scene)


def raise_one(qs, **overrides):
    values = {
        "actor": actor_for(qs.auditor),
        "alliance": qs.alliance,
        "to_body": qs.alt,
        "subject": "Performance information behind the extensions",
        "text": "What performance information supported extending the outreach contracts?",
        "due_on": TODAY + timedelta(days=28),
        "on": TODAY,
    }
    values.update(overrides)
    return values


# Raising ------------------------------------------------------------------------------------------


def test_oversight_raises_a_query_with_the_next_reference(qs):
    first = services.raise_oversight_query(**raise_one(qs))
    second = services.raise_oversight_query(**raise_one(qs, kind="recommendation", subject="Audit trail"))
    assert (first.reference, second.reference) == ("OQ-2024-001", "OQ-2024-002")
    assert (first.raised_by_body, first.to_body, first.status, first.raised_on) == (qs.og, qs.alt, "open", TODAY)
    assert first.raised_by == qs.auditor and second.kind == "recommendation"
    assert first.history.count() == 1


def test_references_start_again_each_year_and_are_per_alliance(qs):
    services.raise_oversight_query(**raise_one(qs))
    nxt = services.raise_oversight_query(**raise_one(qs, on=date(2025, 1, 2), due_on=date(2025, 2, 1)))
    assert nxt.reference == "OQ-2025-001"


def test_a_query_may_be_about_records_of_its_alliance(qs):
    decision = DecisionFactory(alliance=qs.alliance, body=qs.alt)
    contract = ContractFactory(alliance=qs.alliance)
    workstream = WorkstreamFactory(alliance=qs.alliance)
    query = services.raise_oversight_query(**raise_one(qs, decision=decision, contract=contract, workstream=workstream))
    assert (query.decision, query.contract, query.workstream) == (decision, contract, workstream)


def test_due_today_is_allowed(qs):
    assert services.raise_oversight_query(**raise_one(qs, due_on=TODAY)).due_on == TODAY


def test_today_is_the_default_date(qs):
    today = timezone.localdate()
    query = services.raise_oversight_query(**raise_one(qs, on=None, due_on=today))
    assert query.raised_on == today


def test_a_viewer_cannot_raise_a_query(qs):
    refusal = refused("not_permitted", services.raise_oversight_query, **raise_one(qs, actor=actor_for(qs.viewer)))
    assert "oversight group" in refusal.message


def test_a_secretary_cannot_raise_a_query(qs):
    refused("not_permitted", services.raise_oversight_query, **raise_one(qs, actor=actor_for(qs.secretary)))


def test_oversight_of_another_alliance_cannot_raise_here(qs):
    outsider = oversight_user(AllianceFactory(), "outsider")
    refused("not_permitted", services.raise_oversight_query, **raise_one(qs, actor=actor_for(outsider)))


def test_a_query_cannot_be_raised_to_the_oversight_group_itself(qs):
    refusal = refused("query_to_oversight", services.raise_oversight_query, **raise_one(qs, to_body=qs.og))
    assert refusal.field == "to_body"


def test_a_query_cannot_be_raised_to_another_alliances_body(qs):
    elsewhere = GoverningBodyFactory(alliance=AllianceFactory())
    refusal = refused("query_other_alliance", services.raise_oversight_query, **raise_one(qs, to_body=elsewhere))
    assert refusal.field == "to_body" and elsewhere.alliance.name not in refusal.message


def test_a_query_needs_a_body(qs):
    refused("query_needs_body", services.raise_oversight_query, **raise_one(qs, to_body=None))


def test_a_query_cannot_be_due_before_today(qs):
    refusal = refused(
        "query_due_in_past", services.raise_oversight_query, **raise_one(qs, due_on=TODAY - timedelta(days=1))
    )
    assert refusal.field == "due_on" and "04/03/2024" in refusal.message


def test_a_query_needs_a_due_date(qs):
    refused("query_needs_due_date", services.raise_oversight_query, **raise_one(qs, due_on=None))


@pytest.mark.parametrize(("field", "code"), [("subject", "query_needs_subject"), ("text", "query_needs_text")])
def test_a_query_needs_a_subject_and_a_text(qs, field, code):
    refusal = refused(code, services.raise_oversight_query, **raise_one(qs, **{field: "   "}))
    assert refusal.field == field


def test_an_unknown_kind_is_refused(qs):
    refused("query_kind_unknown", services.raise_oversight_query, **raise_one(qs, kind="complaint"))


def test_an_unknown_visibility_is_refused(qs):
    refused("query_visibility_unknown", services.raise_oversight_query, **raise_one(qs, visibility="SECRET"))


@pytest.mark.parametrize("field", ["decision", "contract", "workstream", "award_process"])
def test_a_query_cannot_concern_another_alliances_record(qs, field):
    from tests.factories import AwardProcessFactory

    other = AllianceFactory()
    make = {
        "decision": lambda: DecisionFactory(alliance=other, body=GoverningBodyFactory(alliance=other)),
        "contract": lambda: ContractFactory(alliance=other),
        "workstream": lambda: WorkstreamFactory(alliance=other),
        "award_process": lambda: AwardProcessFactory(alliance=other),
    }[field]()
    refusal = refused("query_other_alliance", services.raise_oversight_query, **raise_one(qs, **{field: make}))
    assert refusal.field == field


def test_an_alliance_without_an_oversight_group_cannot_raise(scene):
    auditor = oversight_user(scene.alliance)
    values = {
        "actor": actor_for(auditor),
        "alliance": scene.alliance,
        "to_body": scene.body,
        "subject": "S",
        "text": "T",
        "due_on": TODAY,
        "on": TODAY,
    }
    refused("query_no_oversight_body", services.raise_oversight_query, **values)


def test_the_raising_body_must_be_the_oversight_group(qs):
    refusal = refused(
        "query_not_from_oversight", services.raise_oversight_query, **raise_one(qs, raised_by_body=qs.alt)
    )
    assert refusal.field == "raised_by_body"


# Answering ----------------------------------------------------------------------------------------


@pytest.fixture
def query(qs):
    return services.raise_oversight_query(**raise_one(qs))


@pytest.fixture
def recommendation(qs):
    return services.raise_oversight_query(**raise_one(qs, kind="recommendation", subject="Keep an audit trail"))


def test_the_secretary_answers_a_query(qs, query):
    decision = DecisionFactory(alliance=qs.alliance, body=qs.alt)
    answered = services.answer_oversight_query(
        actor=actor_for(qs.secretary),
        query=query,
        answer="The quarterly returns.",
        answering_decision=decision,
        on=TODAY,
    )
    assert (answered.status, answered.response, answered.answer) == ("answered", "answered", "The quarterly returns.")
    assert (answered.answered_on, answered.answered_by, answered.answering_decision) == (TODAY, qs.secretary, decision)
    assert answered.history.count() == 2


def test_the_chair_answers_a_recommendation(qs, recommendation):
    answered = services.answer_oversight_query(
        actor=actor_for(qs.chair), query=recommendation, response="partly_accepted", answer="Awards only.", on=TODAY
    )
    assert (answered.status, answered.response) == ("answered", "partly_accepted")


def test_staff_may_answer(qs, query):
    assert services.answer_oversight_query(actor=SYSTEM, query=query, answer="Yes.", on=TODAY).status == "answered"


@pytest.mark.parametrize("who", ["auditor", "viewer"])
def test_others_cannot_answer(qs, query, who):
    refusal = refused(
        "not_permitted",
        services.answer_oversight_query,
        actor=actor_for(getattr(qs, who)),
        query=query,
        answer="Mine",
        on=TODAY,
    )
    assert "secretary or the chair of Alliance Leadership Team" in refusal.message


def test_the_secretary_of_another_body_cannot_answer(qs, query):
    from roles.models import Role
    from tests.factories import PersonFactory, RoleAssignmentFactory, RoleFactory, UserFactory

    amt = GoverningBodyFactory(alliance=qs.alliance, name="Alliance Management Team", kind="management")
    person = PersonFactory(user=UserFactory(username="amt-secretary"))
    RoleAssignmentFactory(role=RoleFactory(alliance=qs.alliance, kind=Role.Kind.SECRETARY, body=amt), person=person)
    refused("not_permitted", services.answer_oversight_query, actor=actor_for(person.user), query=query, answer="x")


def test_a_recommendation_needs_a_response(qs, recommendation):
    refusal = refused(
        "query_needs_response",
        services.answer_oversight_query,
        actor=actor_for(qs.secretary),
        query=recommendation,
        answer="We agree.",
        on=TODAY,
    )
    assert refusal.field == "response"


def test_a_query_is_not_accepted_or_rejected(qs, query):
    refused(
        "query_response_for_recommendation",
        services.answer_oversight_query,
        actor=actor_for(qs.secretary),
        query=query,
        response="rejected",
        answer="No.",
        on=TODAY,
    )


def test_an_answer_needs_its_text(qs, recommendation):
    refusal = refused(
        "query_needs_answer",
        services.answer_oversight_query,
        actor=actor_for(qs.secretary),
        query=recommendation,
        response="rejected",
        answer=" ",
        on=TODAY,
    )
    assert "reasons" in refusal.message and refusal.field == "answer"


def test_an_answering_decision_of_another_alliance_is_refused(qs, query):
    other = AllianceFactory()
    decision = DecisionFactory(alliance=other, body=GoverningBodyFactory(alliance=other))
    refused(
        "query_other_alliance",
        services.answer_oversight_query,
        actor=actor_for(qs.secretary),
        query=query,
        answer="See the decision.",
        answering_decision=decision,
        on=TODAY,
    )


def test_an_answer_cannot_be_dated_before_the_query(qs, query):
    refused(
        "query_answered_before_raised",
        services.answer_oversight_query,
        actor=actor_for(qs.secretary),
        query=query,
        answer="Early",
        on=TODAY - timedelta(days=1),
    )


def test_an_answered_query_is_closed(qs, query):
    services.answer_oversight_query(actor=actor_for(qs.secretary), query=query, answer="Done.", on=TODAY)
    refusal = refused(
        "query_closed", services.answer_oversight_query, actor=actor_for(qs.secretary), query=query, answer="Again"
    )
    assert refusal.conflict and "OQ-2024-001 is answered" in refusal.message
    refused("query_closed", services.withdraw_oversight_query, actor=actor_for(qs.auditor), query=query, reason="x")


# Withdrawing --------------------------------------------------------------------------------------


def test_oversight_withdraws_an_open_query_saying_why(qs, query):
    withdrawn = services.withdraw_oversight_query(
        actor=actor_for(qs.auditor), query=query, reason="Answered at the March meeting.", on=TODAY
    )
    assert (withdrawn.status, withdrawn.withdrawal_reason) == ("withdrawn", "Answered at the March meeting.")
    assert (withdrawn.withdrawn_on, withdrawn.withdrawn_by) == (TODAY, qs.auditor)
    assert withdrawn.history.first().history_change_reason == "Withdrawn: Answered at the March meeting."


def test_a_withdrawal_needs_a_reason(qs, query):
    refusal = refused(
        "query_needs_reason", services.withdraw_oversight_query, actor=actor_for(qs.auditor), query=query, reason=""
    )
    assert refusal.field == "reason"


def test_the_body_cannot_withdraw_a_query(qs, query):
    refused("not_permitted", services.withdraw_oversight_query, actor=actor_for(qs.secretary), query=query, reason="No")


def test_a_withdrawn_query_cannot_be_answered_or_withdrawn_again(qs, query):
    services.withdraw_oversight_query(actor=actor_for(qs.auditor), query=query, reason="Not needed.", on=TODAY)
    refused("query_closed", services.answer_oversight_query, actor=actor_for(qs.secretary), query=query, answer="x")
    refused("query_closed", services.withdraw_oversight_query, actor=actor_for(qs.auditor), query=query, reason="x")


def test_a_withdrawal_cannot_be_dated_before_the_query(qs, query):
    refused(
        "query_withdrawn_before_raised",
        services.withdraw_oversight_query,
        actor=actor_for(qs.auditor),
        query=query,
        reason="Early",
        on=TODAY - timedelta(days=1),
    )
