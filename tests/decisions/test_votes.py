from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from alliance.bulk_guard import history_written_by_caller
from alliance.models import Membership
from decisions import services
from decisions.models import Recusal, Vote
from roles.standing import SYSTEM
from tests.factories import (
    InterestDeclarationFactory,
    MembershipFactory,
    MembershipStatusChangeFactory,
    PersonFactory,
    RoleAssignmentFactory,
    RoleFactory,
)
from tests.helpers import actor_for, refused_watching
from tests.scenes import CLOSED, CLOSES, DECISION_ROWS, VOTED, make_scene

pytestmark = pytest.mark.django_db

refused = refused_watching(*DECISION_ROWS)


@pytest.fixture
def decision(scene):
    return scene.open()


# Rule 1: who may vote


def test_representative_casts_a_vote(scene, decision):
    vote = scene.vote(decision, 0)
    assert (vote.position, vote.cast_by, vote.recorded_by) == ("AGREE", scene.reps[0], None)
    assert vote.history.first().history_change_reason == "Voted AGREE"


def test_advisory_member_cannot_vote(scene, decision):
    advisor = PersonFactory()
    role = RoleFactory(alliance=scene.alliance, kind="member_representative", organisation=scene.advisory.organisation)
    RoleAssignmentFactory(role=role, person=advisor)
    error = refused(
        "advisory_member_cannot_vote",
        lambda: services.cast_vote(
            actor=SYSTEM,
            decision=decision,
            membership=scene.advisory,
            position="AGREE",
            cast_by=advisor,
            cast_at=VOTED,
            now=VOTED,
        ),
    )
    assert error.message == (
        "Dunmarrow Homelessness Network is an advisory member and cannot vote; "
        "record its advice with 'Add advisory input'."
    )
    assert error.field == "membership"


def test_member_advisory_on_the_vote_date_cannot_vote(scene, decision):
    MembershipStatusChangeFactory(membership=scene.members[0], status="ADVISORY", effective_on=date(2021, 2, 1))
    refused("advisory_member_cannot_vote", lambda: scene.vote(decision, 0))


def test_member_voting_again_after_advisory_spell_can_vote(scene, decision):
    MembershipStatusChangeFactory(membership=scene.members[0], status="ADVISORY", effective_on=date(2020, 9, 1))
    MembershipStatusChangeFactory(membership=scene.members[0], status="VOTING", effective_on=date(2021, 2, 1))
    assert scene.vote(decision, 0).position == "AGREE"


def test_member_who_left_before_the_vote_cannot_vote(scene, decision):
    with history_written_by_caller():  # a record changed behind the application's back
        Membership.objects.filter(pk=scene.members[0].pk).update(left_on=date(2021, 2, 28))
    scene.members[0].refresh_from_db()
    error = refused("membership_not_open", lambda: scene.vote(decision, 0))
    assert "was not a member" in error.message


def test_member_of_another_alliance_cannot_vote(scene, decision):
    stranger = MembershipFactory()
    refused(
        "membership_other_alliance",
        lambda: services.cast_vote(
            actor=SYSTEM,
            decision=decision,
            membership=stranger,
            position="AGREE",
            cast_by=scene.reps[0],
            cast_at=VOTED,
            now=VOTED,
        ),
    )


def test_vote_on_a_draft_is_refused_with_409(scene):
    draft = scene.draft()
    error = refused("decision_not_open", lambda: scene.vote(draft, 0))
    assert error.conflict


def test_vote_on_a_closed_decision_is_refused(scene, decision):
    services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)
    error = refused("decision_sealed", lambda: scene.vote(decision, 0))
    assert error.conflict and "amends or supersedes" in error.message


def test_vote_after_written_procedure_closed_is_refused(scene, decision):
    late = datetime(2021, 3, 10, 17, 1, tzinfo=UTC)
    error = refused("written_procedure_closed", lambda: scene.vote(decision, 0, cast_at=late))
    assert "too late" in error.message


def test_vote_at_the_closing_moment_counts(scene, decision):
    assert scene.vote(decision, 0, cast_at=CLOSES).cast_at == CLOSES


def test_unknown_position_is_refused(scene, decision):
    refused("vote_position_unknown", lambda: scene.vote(decision, 0, position="MAYBE"))


def test_objection_needs_a_statement(scene, decision):
    error = refused("objection_needs_statement", lambda: scene.vote(decision, 0, position="OBJECT", statement="  "))
    assert error.field == "statement"


def test_objection_with_statement_is_recorded(scene, decision):
    vote = scene.vote(decision, 0, position="OBJECT", statement="Too little time to consult people.")
    assert vote.statement == "Too little time to consult people."


# Rule 2: who casts it


def test_person_without_the_representative_role_is_refused(scene, decision):
    error = refused(
        "vote_caster_not_representative",
        lambda: services.cast_vote(
            actor=SYSTEM,
            decision=decision,
            membership=scene.members[0],
            position="AGREE",
            cast_by=scene.reps[1],
            cast_at=VOTED,
            now=VOTED,
        ),
    )
    assert "Rep of Second Step Trust did not hold the representative or deputy role of Harbour Light" in error.message


def test_representative_whose_role_ended_is_refused(scene, decision):
    with history_written_by_caller():
        scene.reps[0].assignments.update(ends_on=date(2021, 2, 28), end_reason="resigned")
    refused("vote_caster_not_representative", lambda: scene.vote(decision, 0))


def test_deputy_may_cast_the_vote(scene, decision):
    deputy = PersonFactory(name="Deputy")
    role = RoleFactory(
        alliance=scene.alliance, kind="deputy_representative", organisation=scene.members[0].organisation
    )
    RoleAssignmentFactory(role=role, person=deputy)
    vote = services.cast_vote(
        actor=SYSTEM,
        decision=decision,
        membership=scene.members[0],
        position="AGREE",
        cast_by=deputy,
        cast_at=VOTED,
        now=VOTED,
    )
    assert vote.cast_by == deputy


def test_secretary_records_a_vote_and_both_are_stored(scene, decision):
    vote = services.cast_vote(
        actor=SYSTEM,
        decision=decision,
        membership=scene.members[0],
        position="AGREE",
        cast_by=scene.reps[0],
        recorded_by=scene.secretary,
        cast_at=VOTED,
        now=VOTED,
    )
    assert (vote.cast_by, vote.recorded_by) == (scene.reps[0], scene.secretary)
    assert "recorded by Morag Secretary" in vote.history.first().history_change_reason


def test_alliance_wide_secretary_may_record(scene, decision):
    clerk = PersonFactory()
    RoleAssignmentFactory(role=RoleFactory(alliance=scene.alliance, kind="secretary", body=None), person=clerk)
    vote = services.cast_vote(
        actor=SYSTEM,
        decision=decision,
        membership=scene.members[0],
        position="ABSTAIN",
        cast_by=scene.reps[0],
        recorded_by=clerk,
        cast_at=VOTED,
        now=VOTED,
    )
    assert vote.recorded_by == clerk


def test_secretary_records_the_deputys_vote_on_their_behalf(scene, decision):
    deputy = scene.deputy(1, "Kirsty Gray")
    vote = enter(scene, decision, cast_by=deputy, entered_by=scene.secretary, member=1)
    assert (vote.cast_by, vote.recorded_by) == (deputy, scene.secretary)


def test_secretary_cannot_record_a_vote_cast_by_someone_without_the_role(scene, decision):
    messenger = PersonFactory(name="Phoned-in trustee")
    error = refused(
        "vote_caster_not_representative",
        lambda: services.cast_vote(
            actor=SYSTEM,
            decision=decision,
            membership=scene.members[0],
            position="AGREE",
            cast_by=messenger,
            recorded_by=scene.secretary,
            cast_at=VOTED,
            now=VOTED,
        ),
    )
    assert error.field == "cast_by"
    assert error.message == (
        "Phoned-in trustee did not hold the representative or deputy role of Harbour Light Housing on 02/03/2021, "
        "so cannot be named as casting its vote. Under 'Cast by', choose the representative or deputy of Harbour "
        "Light Housing who gave the vote (Rep of Harbour Light Housing); the secretary who enters it for them is "
        "recorded beside them."
    )


def test_secretary_cannot_record_another_members_deputy_as_the_caster(scene, decision):
    deputy = scene.deputy(0, "Kirsty Gray")  # Harbour Light's deputy, named for Second Step Trust's vote
    error = refused(
        "vote_caster_not_representative",
        lambda: enter(scene, decision, cast_by=deputy, entered_by=scene.secretary, member=1),
    )
    assert "Kirsty Gray did not hold the representative or deputy role of Second Step Trust" in error.message
    assert "(Rep of Second Step Trust)" in error.message
    assert "cast_by" not in error.message


def test_secretary_cannot_name_themselves_as_the_caster(scene, decision):
    error = refused(
        "vote_caster_not_representative",
        lambda: enter(scene, decision, cast_by=scene.secretary, entered_by=scene.secretary, member=0),
    )
    assert error.message.startswith("Morag Secretary did not hold the representative or deputy role of Harbour Light")


def test_secretary_holding_the_deputy_role_casts_the_vote_as_themselves(scene, decision):
    organisation = scene.members[0].organisation
    role = RoleFactory(alliance=scene.alliance, kind="deputy_representative", organisation=organisation)
    RoleAssignmentFactory(role=role, person=scene.secretary, starts_on=date(2021, 1, 1))
    vote = enter(scene, decision, cast_by=scene.secretary, entered_by=scene.secretary, member=0)
    assert (vote.cast_by, vote.recorded_by) == (scene.secretary, None)


def test_member_with_nobody_in_the_role_that_day_says_to_appoint_one(scene, decision):
    with history_written_by_caller():
        scene.reps[0].assignments.update(ends_on=date(2021, 2, 28), end_reason="resigned")
    error = refused(
        "vote_caster_not_representative",
        lambda: enter(scene, decision, cast_by=scene.reps[0], entered_by=scene.secretary, member=0),
    )
    assert "Nobody held that role on 02/03/2021" in error.message
    assert "record the appointment of Harbour Light Housing's representative or deputy first" in error.message


def test_recorder_who_is_not_the_bodys_secretary_is_refused(scene, decision):
    other_body_secretary = PersonFactory(name="Other clerk")
    RoleAssignmentFactory(
        role=RoleFactory(alliance=scene.alliance, kind="secretary", body=None, title="Old secretary"),
        person=other_body_secretary,
        starts_on=date(2020, 1, 1),
        ends_on=date(2020, 12, 31),
        end_reason="resigned",
    )
    error = refused(
        "vote_recorder_not_secretary",
        lambda: services.cast_vote(
            actor=SYSTEM,
            decision=decision,
            membership=scene.members[0],
            position="AGREE",
            cast_by=PersonFactory(),
            recorded_by=other_body_secretary,
            cast_at=VOTED,
            now=VOTED,
        ),
    )
    assert error.field == "recorded_by"


# Changing a vote


def test_changing_a_vote_keeps_one_row_and_every_version(scene, decision):
    scene.vote(decision, 0, position="AGREE")
    vote = scene.vote(decision, 0, position="OBJECT", statement="Changed our mind after the consultation.")
    assert Vote.objects.filter(decision=decision).count() == 1
    assert [h.position for h in vote.history.order_by("history_id")] == ["AGREE", "OBJECT"]
    assert vote.history.first().history_change_reason == "Vote changed from AGREE to OBJECT"


# Rule 5: recusals and dispensations


def test_recused_member_cannot_vote(scene, decision):
    services.record_recusal(
        actor=SYSTEM, decision=decision, membership=scene.members[0], reason="Bidding for the service"
    )
    error = refused("recused_member_cannot_vote", lambda: scene.vote(decision, 0))
    assert "Bidding for the service" in error.message and "dispensation" in error.message


def test_dispensation_lets_a_recused_member_vote(scene, decision):
    recusal = services.record_recusal(
        actor=SYSTEM, decision=decision, membership=scene.members[0], reason="Trustee overlap"
    )
    services.grant_dispensation(actor=SYSTEM, recusal=recusal, reason="The interest is remote; the body agreed.")
    assert scene.vote(decision, 0).position == "AGREE"


def test_recusal_strikes_a_vote_already_cast_and_keeps_it(scene, decision):
    vote = scene.vote(decision, 0)
    recusal = services.record_recusal(
        actor=SYSTEM, decision=decision, membership=scene.members[0], reason="Late declared interest"
    )
    vote.refresh_from_db()
    assert vote.struck_by == recusal and vote.position == "AGREE"
    assert recusal.struck_vote == vote
    assert not Vote.history.filter(id=vote.pk, history_type="-").exists()
    assert vote.history.first().history_change_reason == "Vote struck: member recused (Late declared interest)"
    assert recusal.history.first().history_change_reason == "Recused; its vote is struck"


def test_recusal_of_a_member_that_has_not_voted_strikes_nothing(scene, decision):
    scene.vote(decision, 1)
    recusal = services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[0], reason="Trustee")
    assert not Vote.objects.filter(struck_by=recusal).exists()
    assert not Vote.objects.filter(struck_by__isnull=False).exists()


def test_dispensation_does_not_restore_a_struck_vote_and_the_member_votes_again(scene, decision):
    struck = scene.vote(decision, 0, position="OBJECT")
    recusal = services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[0], reason="Trustee")
    services.grant_dispensation(actor=SYSTEM, recusal=recusal, reason="The interest is remote; the body agreed.")
    struck.refresh_from_db()
    assert struck.struck_by == recusal
    again = scene.vote(decision, 0, position="AGREE")
    assert again.pk != struck.pk and again.struck_by is None
    assert again.history.first().history_change_reason == "Voted AGREE"
    struck.refresh_from_db()
    assert (struck.position, struck.struck_by) == ("OBJECT", recusal)
    # Changing the new vote changes it, not the struck one.
    changed = scene.vote(decision, 0, position="ABSTAIN")
    assert changed.pk == again.pk
    assert Vote.objects.filter(decision=decision, membership=scene.members[0]).count() == 2


def test_recusal_needs_a_reason(scene, decision):
    refused(
        "recusal_reason_required",
        lambda: services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[0], reason=" "),
    )


def test_recusal_twice_is_refused(scene, decision):
    services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[0], reason="Interest")
    refused(
        "already_recused",
        lambda: services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[0], reason="Again"),
    )


def test_recusal_with_an_interest_of_another_alliance_is_refused(scene, decision):
    interest = InterestDeclarationFactory()
    refused(
        "interest_other_alliance",
        lambda: services.record_recusal(
            actor=SYSTEM, decision=decision, membership=scene.members[0], reason="Interest", interest=interest
        ),
    )


def test_recusal_with_unknown_source_is_refused(scene, decision):
    refused(
        "recusal_source_unknown",
        lambda: services.record_recusal(
            actor=SYSTEM, decision=decision, membership=scene.members[0], reason="Interest", source="gossip"
        ),
    )


def test_recusal_naming_no_source_nor_interest_is_for_another_reason(scene, decision):
    recusal = services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[0], reason="Trustee")
    assert (recusal.source, recusal.interest) == (Recusal.Source.OTHER, None)


# Rule 5: a recusal for a declared interest names the interest


def _recuse(decision, membership, **fields):
    values = {"reason": "Declared interest", "source": Recusal.Source.DECLARED_INTEREST, **fields}
    return lambda: services.record_recusal(actor=SYSTEM, decision=decision, membership=membership, **values)


def test_declared_interest_recusal_names_the_interest(scene, decision):
    interest = scene.interest(0)
    recusal = _recuse(decision, scene.members[0], interest=interest)()
    assert (recusal.source, recusal.interest) == (Recusal.Source.DECLARED_INTEREST, interest)


def test_naming_an_interest_without_a_source_is_a_declared_interest(scene, decision):
    interest = scene.interest(0)
    recusal = services.record_recusal(
        actor=SYSTEM, decision=decision, membership=scene.members[0], reason="Trustee", interest=interest
    )
    assert recusal.source == Recusal.Source.DECLARED_INTEREST


def test_an_interest_declared_by_an_employee_for_nobody_in_particular_counts(scene, decision):
    employee = PersonFactory(name="Finance director", employer=scene.members[0].organisation)
    interest = scene.interest(0, person=employee, represents=None)
    assert _recuse(decision, scene.members[0], interest=interest)().interest == interest


def test_an_interest_declared_by_a_deputy_for_nobody_in_particular_counts(scene, decision):
    deputy = scene.deputy(0, "Unemployed deputy")
    interest = scene.interest(0, person=deputy, represents=None)
    assert _recuse(decision, scene.members[0], interest=interest)().interest == interest


def test_an_interest_declared_while_the_written_procedure_is_open_counts(scene, decision):
    interest = scene.interest(0, declared_on=date(2021, 3, 5))
    assert _recuse(decision, scene.members[0], interest=interest)().interest == interest


def test_declared_interest_recusal_without_an_interest_is_refused_with_the_ones_that_fit(scene, decision):
    scene.interest(0)
    scene.interest(1)  # another member's: not offered
    error = refused("recusal_interest_required", _recuse(decision, scene.members[0]))
    assert error.field == "interest"
    assert error.message == (
        "A recusal for a declared interest names the interest of Harbour Light Housing it rests on. Under "
        "'Interest', choose the one it rests on: Rep of Harbour Light Housing: 'Trustee of Northgate Housing "
        "Association, which bids for the service.' (declared 01/02/2021)."
    )


def test_declared_interest_recusal_with_no_interest_declared_says_to_declare_it(scene, decision):
    error = refused("recusal_interest_required", _recuse(decision, scene.members[0]))
    assert "No interest of Harbour Light Housing or its people was declared open between 01/03/2021 and" in (
        error.message
    )
    assert "declare it in the interests register first, or recuse the member for another reason" in error.message


def test_interest_that_ended_before_the_decision_is_refused(scene, decision):
    ended = scene.interest(0, declared_on=date(2020, 6, 1), ends_on=date(2021, 2, 28))
    error = refused("recusal_interest_not_open", _recuse(decision, scene.members[0], interest=ended))
    assert error.field == "interest"
    assert "(declared 01/06/2020, ended 28/02/2021) was not open between 01/03/2021 and" in error.message
    assert "No interest of Harbour Light Housing or its people was declared open" in error.message


def test_interest_of_another_member_is_refused(scene, decision):
    scene.interest(0)
    theirs = scene.interest(1)
    error = refused("recusal_interest_other_member", _recuse(decision, scene.members[0], interest=theirs))
    assert error.message.startswith(
        "Rep of Second Step Trust's interest does not concern Harbour Light Housing: it was declared for Second "
        "Step Trust. Under 'Interest', choose the one it rests on: Rep of Harbour Light Housing:"
    )


def test_interest_of_someone_with_no_tie_to_the_member_is_refused(scene, decision):
    outsider = scene.interest(0, person=PersonFactory(name="Outsider"), represents=None)
    error = refused("recusal_interest_other_member", _recuse(decision, scene.members[0], interest=outsider))
    assert "Outsider neither works for it nor held its representative or deputy role between" in error.message


def test_another_reasons_recusal_may_name_a_fitting_interest_but_not_another(scene, decision):
    mine, theirs = scene.interest(0), scene.interest(1)
    refused(
        "recusal_interest_other_member",
        _recuse(decision, scene.members[0], source=Recusal.Source.SUBMISSION, interest=theirs),
    )
    recusal = _recuse(decision, scene.members[0], source=Recusal.Source.SUBMISSION, interest=mine)()
    assert (recusal.source, recusal.interest) == (Recusal.Source.SUBMISSION, mine)


def test_refused_recusal_strikes_no_vote(scene, decision):
    vote = scene.vote(decision, 0)
    refused("recusal_interest_required", _recuse(decision, scene.members[0]))
    vote.refresh_from_db()
    assert vote.struck_by is None


def test_dispensation_needs_a_reason_and_is_granted_once(scene, decision):
    recusal = services.record_recusal(actor=SYSTEM, decision=decision, membership=scene.members[0], reason="Interest")
    refused(
        "dispensation_reason_required", lambda: services.grant_dispensation(actor=SYSTEM, recusal=recusal, reason="")
    )
    services.grant_dispensation(actor=SYSTEM, recusal=recusal, reason="Remote interest")
    refused(
        "dispensation_already_granted",
        lambda: services.grant_dispensation(actor=SYSTEM, recusal=recusal, reason="Again"),
    )


def test_recusal_on_a_closed_decision_is_refused(scene, decision):
    services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED)
    refused(
        "decision_sealed",
        lambda: services.record_recusal(
            actor=SYSTEM, decision=decision, membership=scene.members[0], reason="Interest"
        ),
    )


# Advice ("you said, we did")


def test_advisory_member_gives_advice_and_gets_a_response(scene, decision):
    advice = services.record_advice(
        actor=SYSTEM,
        decision=decision,
        organisation=scene.advisory.organisation,
        advice="Keep drop-ins open",
        given_at=VOTED,
    )
    answered = services.respond_to_advice(actor=SYSTEM, advisory_input=advice, response="Drop-ins kept in two areas.")
    assert answered.response == "Drop-ins kept in two areas." and answered.responded_at is not None


def test_advice_on_a_draft_shapes_the_proposal(scene):
    draft = scene.draft()
    assert services.record_advice(
        actor=SYSTEM, decision=draft, organisation=scene.advisory.organisation, advice="Ask people"
    )


def test_advisor_role_holder_gives_advice(scene, decision):
    person = PersonFactory(name="Lived-experience advisor")
    RoleAssignmentFactory(role=RoleFactory(alliance=scene.alliance, kind="advisor"), person=person)
    advice = services.record_advice(
        actor=SYSTEM, decision=decision, person=person, advice="Ask people first", given_at=VOTED
    )
    assert advice.person == person


def test_voting_member_advice_is_refused_and_points_to_voting(scene, decision):
    error = refused(
        "voting_member_advice",
        lambda: services.record_advice(
            actor=SYSTEM,
            decision=decision,
            organisation=scene.members[0].organisation,
            advice="We agree",
            given_at=VOTED,
        ),
    )
    assert "'Record vote'" in error.message


def test_advice_from_a_non_member_or_non_advisor_is_refused(scene, decision):
    refused(
        "advice_person_not_advisor",
        lambda: services.record_advice(
            actor=SYSTEM, decision=decision, person=PersonFactory(), advice="Hello", given_at=VOTED
        ),
    )
    refused(
        "advice_not_a_member",
        lambda: services.record_advice(
            actor=SYSTEM, decision=decision, organisation=MembershipFactory().organisation, advice="Hi", given_at=VOTED
        ),
    )
    refused(
        "advice_source_required", lambda: services.record_advice(actor=SYSTEM, decision=decision, advice="Anonymous")
    )
    refused(
        "advice_required",
        lambda: services.record_advice(
            actor=SYSTEM, decision=decision, organisation=scene.advisory.organisation, advice=" "
        ),
    )


def test_response_must_say_something(scene, decision):
    advice = services.record_advice(
        actor=SYSTEM, decision=decision, organisation=scene.advisory.organisation, advice="Keep"
    )
    refused(
        "advice_response_required", lambda: services.respond_to_advice(actor=SYSTEM, advisory_input=advice, response="")
    )


# Who entered the vote (rule 2: the secretary recording it is also recorded)


def enter(scene, decision, *, cast_by, entered_by, member=0, **kwargs):
    return services.cast_vote(
        actor=actor_for(entered_by),
        decision=decision,
        membership=scene.members[member],
        position="AGREE",
        cast_by=cast_by,
        cast_at=VOTED,
        now=VOTED,  # the scene is of 2021: the clock reads then
        **kwargs,
    )


def test_secretary_entering_a_representatives_vote_is_recorded(scene, decision):
    vote = enter(scene, decision, cast_by=scene.reps[0], entered_by=scene.secretary)
    assert (vote.cast_by, vote.recorded_by) == (scene.reps[0], scene.secretary)


def test_representative_entering_their_own_vote_has_no_recorder(scene, decision):
    vote = enter(scene, decision, cast_by=scene.reps[0], entered_by=scene.reps[0])
    assert vote.recorded_by is None


def test_secretary_entering_a_vote_for_someone_without_the_role_is_refused(scene, decision):
    # Rule 2: the secretary records the vote of the member's representative or deputy, never anyone's.
    messenger = PersonFactory(name="Phoned-in trustee")
    error = refused(
        "vote_caster_not_representative", lambda: enter(scene, decision, cast_by=messenger, entered_by=scene.secretary)
    )
    assert error.field == "cast_by"


def test_recorded_by_naming_someone_other_than_the_person_entering_is_refused(scene, decision):
    error = refused(
        "vote_recorder_not_caller",
        lambda: enter(scene, decision, cast_by=scene.reps[0], entered_by=scene.secretary, recorded_by=scene.reps[1]),
    )
    assert error.field == "recorded_by"


def test_representative_naming_a_recorder_is_refused(scene, decision):
    error = refused(
        "vote_recorder_not_caller",
        lambda: enter(scene, decision, cast_by=scene.reps[0], entered_by=scene.reps[0], recorded_by=scene.secretary),
    )
    assert error.field == "recorded_by"


def test_person_entering_who_is_not_the_secretary_cannot_enter_anothers_vote(scene, decision):
    # Another member's representative has no standing to enter member 0's vote (roles/standing.py).
    error = refused(
        "not_permitted",
        lambda: enter(scene, decision, cast_by=PersonFactory(), entered_by=scene.reps[1]),
    )
    assert error.field == "membership"


# Moments given by the caller: never in the future, never before opening, deadlines by the clock


def test_back_dated_vote_after_the_written_procedure_closed_is_refused(scene, decision):
    # The decision closed on 10 March 2021 by the server's clock; a cast_at before it does not help.
    error = refused("written_procedure_closed", lambda: scene.vote(decision, 0, cast_at=VOTED, now=None))
    assert "too late" in error.message


def test_secretary_records_a_vote_given_before_the_deadline(scene, decision):
    vote = scene.vote(decision, 0, cast_at=VOTED, now=None, recorded_by=scene.secretary)
    assert (vote.cast_at, vote.recorded_by) == (VOTED, scene.secretary)


def test_secretary_cannot_record_a_vote_given_after_the_deadline(scene, decision):
    late = datetime(2021, 3, 11, 9, 0, tzinfo=UTC)
    refused(
        "written_procedure_closed",
        lambda: scene.vote(decision, 0, cast_at=late, now=None, recorded_by=scene.secretary),
    )


def test_someone_not_secretary_naming_themselves_recorder_gets_no_grace(scene, decision):
    refused(
        "written_procedure_closed",
        lambda: scene.vote(decision, 0, cast_at=VOTED, now=None, recorded_by=scene.reps[1]),
    )


def test_vote_dated_before_the_decision_opened_is_refused(scene, decision):
    early = datetime(2021, 2, 28, 9, 0, tzinfo=UTC)
    error = refused("cast_at_before_opening", lambda: scene.vote(decision, 0, cast_at=early, now=VOTED))
    assert "before ALT-2021-001 opened" in error.message


def test_vote_dated_in_the_future_is_refused():
    scene = make_scene()
    decision = scene.open(closes_at=timezone.now() + timedelta(days=30))
    ahead = timezone.now() + timedelta(days=1)
    refused("cast_at_in_future", lambda: scene.vote(decision, 0, cast_at=ahead, now=None))


def test_vote_a_little_ahead_of_the_servers_clock_counts():
    scene = make_scene()
    decision = scene.open(closes_at=timezone.now() + timedelta(days=30))
    ahead = timezone.now() + timedelta(minutes=1)
    assert scene.vote(decision, 0, cast_at=ahead, now=None).cast_at == ahead


def test_replayed_now_cannot_run_ahead_of_the_servers_clock(scene, decision):
    # ``now`` later than the real clock is the real clock: the 2021 deadline has passed.
    refused(
        "written_procedure_closed", lambda: scene.vote(decision, 0, cast_at=VOTED, now=datetime(2099, 1, 1, tzinfo=UTC))
    )


def test_open_dated_in_the_future_is_refused(scene):
    draft = scene.draft(closes_at=datetime(2099, 2, 1, tzinfo=UTC))
    refused(
        "opened_at_in_future",
        lambda: services.open_decision(actor=SYSTEM, decision=draft, opened_at=datetime(2099, 1, 1, tzinfo=UTC)),
    )


def test_close_dated_before_opening_is_refused(scene, decision):
    error = refused(
        "closed_at_before_opening",
        lambda: services.close_decision(
            actor=SYSTEM, decision=decision, closed_at=datetime(2020, 12, 31, 12, tzinfo=UTC)
        ),
    )
    assert error.field == "closed_at"


def test_close_dated_in_the_future_is_refused(scene, decision):
    refused(
        "closed_at_in_future",
        lambda: services.close_decision(actor=SYSTEM, decision=decision, closed_at=datetime(2099, 1, 1, tzinfo=UTC)),
    )


def test_close_dated_before_the_last_vote_is_refused(scene, decision):
    scene.vote(decision, 0, cast_at=datetime(2021, 3, 5, 10, tzinfo=UTC))
    refused(
        "closed_at_before_last_vote",
        lambda: services.close_decision(
            actor=SYSTEM, decision=decision, closed_at=datetime(2021, 3, 4, 10, tzinfo=UTC)
        ),
    )


def test_close_after_the_last_vote_is_allowed(scene, decision):
    scene.vote(decision, 0)
    assert services.close_decision(actor=SYSTEM, decision=decision, closed_at=CLOSED).closed_at == CLOSED
